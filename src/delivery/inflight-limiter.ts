import type { Redis } from 'ioredis';

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

// KEYS: the subscription's in-flight set. ARGV: now, lease end, delivery id, max.
// Leases end on their own, so a crashed worker cannot hold a slot forever.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
  return 1
end
return 0`;

type Scripted = Redis & { ceAcquireSlot(key: string, ...argv: string[]): Promise<number> };

/** The per-subscription cap on in-flight deliveries, as leased slots in a Redis sorted set. */
export function createRedisInflightLimiter(
  redis: Redis,
  key: (subscriptionId: string) => string,
  now = () => Date.now(),
): InflightLimiter {
  const scripted = redis as Scripted;
  if (typeof scripted.ceAcquireSlot !== 'function')
    redis.defineCommand('ceAcquireSlot', { numberOfKeys: 1, lua: ACQUIRE });
  return {
    async acquire(subscriptionId, deliveryId, max, leaseMs) {
      const at = now();
      return (
        (await scripted.ceAcquireSlot(
          key(subscriptionId),
          String(at),
          String(at + leaseMs),
          deliveryId,
          String(max),
        )) === 1
      );
    },
    async release(subscriptionId, deliveryId) {
      await redis.zrem(key(subscriptionId), deliveryId);
    },
  };
}
