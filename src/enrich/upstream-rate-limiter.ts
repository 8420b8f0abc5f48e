import type { Redis } from 'ioredis';

/** Port: may one more request go to this upstream now? Shared by every worker process. */
export interface UpstreamRateLimiter {
  /** 0 when the request may go now (and counts it), else how many ms to wait before asking again. */
  reserve(upstream: string, limit: { requests: number; perSeconds: number } | undefined): Promise<number>;
  /** Holds every request to `upstream` for `ms` (the upstream answered 429 with Retry-After). */
  pause(upstream: string, ms: number): Promise<void>;
}

// KEYS: the upstream's sliding-window log, its pause key.
// ARGV: now (ms), window (ms), limit (0: none), a unique member.
const RESERVE = `
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local limit = tonumber(ARGV[3])
if limit == 0 then return 0 end
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

/**
 * Added to the window: a request reserved at the start of one window may reach the upstream a
 * little later than one reserved at the start of the next; the margin keeps the upstream's own
 * count under the limit too.
 */
const JITTER_MARGIN_MS = 100;

type Scripted = Redis & { ceReserveUpstream(k1: string, k2: string, ...argv: string[]): Promise<number> };

/**
 * A sliding-window limit per upstream in Redis (exact: never more than `requests` in any
 * `perSeconds` window, across all processes), plus a shared pause after a 429.
 */
export function createRedisUpstreamRateLimiter(
  redis: Redis,
  keys: { window: (upstream: string) => string; pause: (upstream: string) => string },
  now: () => number = Date.now,
): UpstreamRateLimiter {
  const scripted = redis as Scripted;
  if (typeof scripted.ceReserveUpstream !== 'function') {
    redis.defineCommand('ceReserveUpstream', { numberOfKeys: 2, lua: RESERVE });
  }
  let sequence = 0;
  return {
    async reserve(upstream, limit) {
      const member = `${now()}-${process.pid}-${sequence++}-${Math.random()}`;
      return scripted.ceReserveUpstream(
        keys.window(upstream),
        keys.pause(upstream),
        String(now()),
        String((limit?.perSeconds ?? 1) * 1000 + JITTER_MARGIN_MS),
        String(limit?.requests ?? 0),
        member,
      );
    },
    async pause(upstream, ms) {
      if (ms > 0) await redis.set(keys.pause(upstream), '1', 'PX', ms);
    },
  };
}
