import type { Redis } from 'ioredis';
import { createBatchedScript } from '../batching';

/** Port: the "may this delivery start now?" decision, shared by every worker process. */
export interface InflightLimiter {
  /**
   * Takes a slot for `deliveryId` unless `max` deliveries to the subscription are in flight, or
   * this delivery is itself in flight (an attempt elsewhere, or one whose worker died, until its
   * lease ends): one delivery is never attempted twice at once.
   */
  acquire(subscriptionId: string, deliveryId: string, max: number, leaseMs: number): Promise<boolean>;
  release(subscriptionId: string, deliveryId: string): Promise<void>;
}

// KEYS: per delivery, its subscription's in-flight set. ARGV: per delivery, now, lease end,
// delivery id, max. Answers 1 (a slot taken) or 0 per delivery. Leases end on their own (ended
// ones are swept once per set and call), so a crashed worker cannot hold a slot forever. The set
// itself expires after its last lease, on the next whole minute: its expiry moves once a minute,
// not with every lease (each move is one more write to the AOF and the replicas).
const ACQUIRE = `
local taken = {}
local swept = {}
for k = 1, #KEYS do
  local a = k * 4 - 3
  local got = 0
  if not swept[KEYS[k]] then
    swept[KEYS[k]] = true
    redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', ARGV[a])
  end
  if not redis.call('ZSCORE', KEYS[k], ARGV[a + 2])
    and redis.call('ZCARD', KEYS[k]) < tonumber(ARGV[a + 3]) then
    redis.call('ZADD', KEYS[k], ARGV[a + 1], ARGV[a + 2])
    local ends = tonumber(ARGV[a + 1])
    local ttl = redis.call('PTTL', KEYS[k])
    if ttl < 0 or tonumber(ARGV[a]) + ttl < ends then
      redis.call('PEXPIREAT', KEYS[k], ends - ends % 60000 + 60000)
    end
    got = 1
  end
  taken[k] = got
end
return taken`;

// KEYS: per delivery, its subscription's in-flight set. ARGV: per delivery, its id.
const RELEASE = `
local freed = {}
for k = 1, #KEYS do freed[k] = redis.call('ZREM', KEYS[k], ARGV[k]) end
return freed`;

/**
 * The per-subscription cap on in-flight deliveries, as leased slots in a Redis sorted set. The
 * slots asked for (or given back) during the same turn of the event loop share one command.
 */
export function createRedisInflightLimiter(
  redis: Redis,
  key: (subscriptionId: string) => string,
  now = () => Date.now(),
): InflightLimiter {
  const acquireMany = createBatchedScript<number>(redis, ACQUIRE);
  const releaseMany = createBatchedScript<number>(redis, RELEASE);
  return {
    async acquire(subscriptionId, deliveryId, max, leaseMs) {
      const at = now();
      const argv = [String(at), String(at + leaseMs), deliveryId, String(max)];
      const [taken] = await acquireMany([{ keys: [key(subscriptionId)], argv }]);
      return taken === 1;
    },
    async release(subscriptionId, deliveryId) {
      await releaseMany([{ keys: [key(subscriptionId)], argv: [deliveryId] }]);
    },
  };
}
