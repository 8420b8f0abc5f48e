import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

/** Fields that hold credentials. */
const SECRET_FIELDS = [
  'authorization',
  'password',
  'secret',
  'secrets',
  'clientSecret',
  'token',
  'accessToken',
  'access_token',
  'apiKey',
];

/** Objects that may carry them, one level down. */
const CONTAINERS = [
  'headers',
  'req.headers',
  'subscription',
  'auth',
  'upstream',
  'config',
  'credentials',
  'body',
];

// Named paths, not wildcards: a wildcard makes every log line walk every key it holds.
const REDACTED_PATHS = [
  ...SECRET_FIELDS,
  ...CONTAINERS.flatMap((container) => SECRET_FIELDS.map((field) => `${container}.${field}`)),
];

/**
 * Logs on stdout: one JSON object a line with an ISO time, or lines for people (`pretty`, the
 * default on a terminal). Credentials are redacted in a logged object and in the objects it holds
 * that may carry them (headers, subscription, auth, ...).
 */
export function createLogger(
  level: string,
  format: LogFormat = process.stdout.isTTY ? 'pretty' : 'json',
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    name: 'ce-relay',
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (format === 'pretty') {
    const stream = pretty({
      destination: destination ?? 1,
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o',
      sync: true,
    });
    return pino(options, stream);
  }
  return pino(options, destination);
}
