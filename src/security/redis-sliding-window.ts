import type { RedisClient } from '../queues/redis-connection';

/** Port: a shared "may one more go now?" counter over a sliding window. */
export interface SlidingWindow {
  /**
   * Counts one request under `key` when fewer than `limit` were counted in the last `windowMs`
   * (and `pauseKey`, if given, is not set) and answers 0; otherwise answers how many ms to wait.
   */
  reserve(key: string, limit: number, windowMs: number, pauseKey?: string): Promise<number>;
}

// KEYS: the window log, a pause key. ARGV: now (ms), window (ms), limit, a unique member.
const RESERVE = `
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`;

type Scripted = RedisClient & { ceReserveWindow(k1: string, k2: string, ...argv: string[]): Promise<number> };

/**
 * An exact sliding-window limit in Redis (a log of timestamps per key, in one Lua script), so
 * that every process shares it: never more than `limit` in any `windowMs`.
 */
export function createRedisSlidingWindow(redis: RedisClient, now: () => number = Date.now): SlidingWindow {
  const scripted = redis as Scripted;
  if (typeof scripted.ceReserveWindow !== 'function')
    redis.defineCommand('ceReserveWindow', { numberOfKeys: 2, lua: RESERVE });
  let sequence = 0;
  return {
    reserve(key, limit, windowMs, pauseKey) {
      const at = now();
      const member = `${at}-${process.pid}-${sequence++}-${Math.random()}`;
      return scripted.ceReserveWindow(
        key,
        pauseKey ?? `${key}:no-pause`,
        String(at),
        String(windowMs),
        String(limit),
        member,
      );
    },
  };
}
