import { Redis } from 'ioredis';

export type ConnectionRole = 'producer' | 'worker' | 'command';

/**
 * Builds an ioredis connection for one role:
 * - `producer` (API side: enqueue): fails fast while Redis is down (no offline queue), so a
 *   request gets a 503 instead of waiting;
 * - `worker`: BullMQ workers need `maxRetriesPerRequest: null` and wait for Redis to return;
 * - `command`: plain commands (records, readiness) with a bounded wait.
 */
export function createRedisConnection(url: string, role: ConnectionRole): Redis {
  const common = {
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2_000),
  };
  if (role === 'worker') return new Redis(url, { ...common, maxRetriesPerRequest: null });
  return new Redis(url, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: role === 'producer' ? undefined : 2_000,
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
  /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|Command timed out|enableOfflineQueue/;

/** True for the errors ioredis raises when Redis cannot be reached (as opposed to a bad command). */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(error.message);
}
