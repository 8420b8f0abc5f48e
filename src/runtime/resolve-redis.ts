import { Redis } from 'ioredis';
import path from 'node:path';
import type { Logger } from '../logging';
import {
  freePort,
  isRedisServerInstalled,
  startRedisServer,
  type RedisServerProcess,
} from './redis-server-process';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface ResolvedRedis {
  readonly url: string;
  /** Set when ce-relay started its own redis-server; stop it on exit. */
  readonly embedded?: RedisServerProcess;
}

/** Raised when no Redis can be found or started; its message is the one line to print. */
export class NoRedisError extends Error {
  constructor(defaultUrl: string) {
    super(
      `No Redis answers at ${defaultUrl} and redis-server is not installed. ` +
        'Start one with `docker compose up -d redis` (then REDIS_URL=redis://127.0.0.1:6379), ' +
        'or install the Debian package: `apt-get install redis-server`.',
    );
    this.name = 'NoRedisError';
  }
}

async function answersPing(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface ResolveRedisOptions {
  /** `REDIS_URL`; when set it is used as is. */
  readonly configuredUrl: string | undefined;
  readonly embeddedDir: string;
  readonly logger: Logger;
  /** Where to look when nothing is configured. */
  readonly defaultUrl?: string;
  /** The redis-server executable for the embedded fallback. */
  readonly redisServerBinary?: string;
}

/**
 * The Redis to use: `REDIS_URL` when set; otherwise the default address when something answers
 * there; otherwise an embedded redis-server (data in `embeddedDir`, AOF on, noeviction) for a
 * first run on a machine with Redis installed but not running. Throws `NoRedisError` when
 * none of these works.
 */
export async function resolveRedis(options: ResolveRedisOptions): Promise<ResolvedRedis> {
  if (options.configuredUrl) return { url: options.configuredUrl };
  const defaultUrl = options.defaultUrl ?? DEFAULT_REDIS_URL;
  if (await answersPing(defaultUrl)) return { url: defaultUrl };
  const binary = options.redisServerBinary ?? 'redis-server';
  if (!isRedisServerInstalled(binary)) throw new NoRedisError(defaultUrl);
  const dir = path.resolve(options.embeddedDir);
  const embedded = await startRedisServer({ binary, port: await freePort(), dir });
  options.logger.info(
    { url: embedded.url, dir, pid: embedded.pid },
    `no Redis at ${defaultUrl}: started an embedded redis-server (AOF on, data in ${dir}); it stops with ce-relay`,
  );
  return { url: embedded.url, embedded };
}
