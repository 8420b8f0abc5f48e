import type { RedisClient } from '../queues/redis-connection';
import { createRedisSlidingWindow } from '../security';

/** Port: may one more request go to this upstream now? Shared by every worker process. */
export interface UpstreamRateLimiter {
  /** 0 when the request may go now (and counts it), else how many ms to wait before asking again. */
  reserve(upstream: string, limit: { requests: number; perSeconds: number } | undefined): Promise<number>;
  /** Holds every request to `upstream` for `ms` (the upstream answered 429 with Retry-After). */
  pause(upstream: string, ms: number): Promise<void>;
}

/**
 * Added to the window: a request reserved at the start of one window may reach the upstream a
 * little later than one reserved at the start of the next; the margin keeps the upstream's own
 * count under the limit too.
 */
const JITTER_MARGIN_MS = 100;

/** The upstream's limit as a shared sliding window in Redis, plus a shared pause after a 429. */
export function createRedisUpstreamRateLimiter(
  redis: RedisClient,
  keys: { window: (upstream: string) => string; pause: (upstream: string) => string },
  now: () => number = Date.now,
): UpstreamRateLimiter {
  const window = createRedisSlidingWindow(redis, now);
  return {
    async reserve(upstream, limit) {
      const pause = await redis.pttl(keys.pause(upstream));
      if (!limit) return Math.max(0, pause);
      return window.reserve(
        keys.window(upstream),
        limit.requests,
        limit.perSeconds * 1000 + JITTER_MARGIN_MS,
        keys.pause(upstream),
      );
    },
    async pause(upstream, ms) {
      if (ms > 0) await redis.set(keys.pause(upstream), '1', 'PX', ms);
    },
  };
}
