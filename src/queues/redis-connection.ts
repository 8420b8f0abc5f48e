import { Redis, type RedisOptions } from 'ioredis';

export type ConnectionRole = 'producer' | 'worker' | 'command';

/** Where ce-relay's Redis is: one node by URL, or the primary that Sentinel names. */
export type RedisTarget =
  | { readonly url: string }
  | {
      readonly sentinels: readonly { readonly host: string; readonly port: number }[];
      readonly name: string;
      readonly username?: string;
      readonly password?: string;
      readonly sentinelPassword?: string;
      readonly tls?: boolean;
    };

/** A target for logs: no passwords. */
export function describeTarget(target: RedisTarget): string {
  if ('url' in target) {
    if (!URL.canParse(target.url)) return target.url;
    const parsed = new URL(target.url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  }
  return `sentinel ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')} (${target.name})`;
}

function connect(target: RedisTarget, options: RedisOptions): Redis {
  if ('url' in target) return new Redis(target.url, options);
  return new Redis({
    ...options,
    sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
    name: target.name,
    role: 'master',
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  });
}

/**
 * Builds an ioredis connection for one role:
 * - `producer` (the API: enqueue, authentication, rate limits, management): fails fast while
 *   Redis is down (no offline queue), and each command waits at most `commandTimeoutMs` for an
 *   answer (a Redis that stopped answering keeps its sockets open), so a request gets a 503
 *   instead of waiting;
 * - `worker`: BullMQ workers need `maxRetriesPerRequest: null` and wait for Redis to return;
 * - `command`: plain commands (records, readiness) with a bounded wait.
 */
export function createRedisConnection(
  target: RedisTarget | string,
  role: ConnectionRole,
  commandTimeoutMs = 2_000,
): Redis {
  const to = typeof target === 'string' ? { url: target } : target;
  const common = {
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2_000),
  };
  if (role === 'worker') return connect(to, { ...common, maxRetriesPerRequest: null });
  return connect(to, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
  });
}

/** Resolves true once the connection is ready, false when `timeoutMs` passes first. */
export function waitForReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

const UNAVAILABLE =
  /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|Command timed out|enableOfflineQueue|Redis connection is /;
// Replies of a Redis that cannot take writes now: loading, a replica, out of memory, failing over.
const CANNOT_NOW = /^(LOADING|READONLY|OOM|MISCONF|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS) /;

/** True for the errors ioredis raises when Redis cannot be reached (as opposed to a bad command). */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    UNAVAILABLE.test(error.message) ||
    CANNOT_NOW.test(error.message)
  );
}
