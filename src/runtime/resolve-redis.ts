import { Redis } from 'ioredis';
import path from 'node:path';
import type { Logger } from '../logging';
import { freePort, isRedisServerInstalled, startRedisServer, type RedisServerProcess } from './redis-server-process';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface ResolvedRedis {
  readonly url: string;
  /** Set when ce-relay started its own redis-server; stop it on exit. */
  readonly embedded?: RedisServerProcess;
}

/** Raised when no Redis can be found or started; its message is the one line to print. */
export class NoRedisError extends Error {
  constructor() {
    super(
      `No Redis answers at ${DEFAULT_REDIS_URL} and redis-server is not installed. ` +
        'Start one with `docker compose up -d redis` (then REDIS_URL=redis://127.0.0.1:6379), ' +
        'or install the Debian package: `apt-get install redis-server`.',
    );
    this.name = 'NoRedisError';
  }
}

async function answersPing(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
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

/**
 * The Redis to use: `REDIS_URL` when set; otherwise the default address when something answers
 * there; otherwise an embedded redis-server (data in `embeddedDir`, AOF on, noeviction) for a
 * first run on a machine with Redis installed but not running.
 */
export async function resolveRedis(configured: string | undefined, embeddedDir: string, logger: Logger): Promise<ResolvedRedis> {
  if (configured) return { url: configured };
  if (await answersPing(DEFAULT_REDIS_URL)) return { url: DEFAULT_REDIS_URL };
  if (!isRedisServerInstalled()) throw new NoRedisError();
  const dir = path.resolve(embeddedDir);
  const embedded = await startRedisServer({ port: await freePort(), dir });
  logger.info({ url: embedded.url, dir, pid: embedded.pid }, `no Redis at ${DEFAULT_REDIS_URL}: started an embedded redis-server (AOF on, data in ${dir}); it stops with ce-relay`);
  return { url: embedded.url, embedded };
}
