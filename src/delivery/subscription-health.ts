import type { Redis } from 'ioredis';

/** Port: since when a subscription's attempts have been failing without a success in between. */
export interface SubscriptionHealth {
  succeeded(subscriptionId: string): Promise<void>;
  /** Notes a failed attempt at `at`; resolves with the start of the failing streak. */
  failed(subscriptionId: string, at: Date): Promise<Date>;
}

export function createRedisSubscriptionHealth(
  redis: Redis,
  key: (subscriptionId: string) => string,
): SubscriptionHealth {
  return {
    async succeeded(subscriptionId) {
      await redis.del(key(subscriptionId));
    },
    async failed(subscriptionId, at) {
      const results = await redis
        .multi()
        .set(key(subscriptionId), at.toISOString(), 'NX')
        .get(key(subscriptionId))
        .exec();
      const since = results?.[1]?.[1];
      return typeof since === 'string' ? new Date(since) : at;
    },
  };
}
