import type { RedisClient } from '../queues/redis-connection';
import { createBatchedScript } from '../batching';

/** Port: since when a subscription's attempts have been failing without a success in between. */
export interface SubscriptionHealth {
  succeeded(subscriptionId: string): Promise<void>;
  /** Notes a failed attempt at `at`; resolves with the start of the failing streak. */
  failed(subscriptionId: string, at: Date): Promise<Date>;
}

// KEYS: the streaks of subscriptions whose attempt succeeded (a subscription may come more than
// once). Answers per key 1 where it ended a streak.
const SUCCEEDED = `
local ended = {}
local seen = {}
for k = 1, #KEYS do
  ended[k] = 0
  if not seen[KEYS[k]] then
    seen[KEYS[k]] = true
    ended[k] = redis.call('DEL', KEYS[k])
  end
end
return ended`;

/** Failing streaks in Redis; successes noted during the same turn of the event loop share one command. */
export function createRedisSubscriptionHealth(
  redis: RedisClient,
  key: (subscriptionId: string) => string,
): SubscriptionHealth {
  const succeededMany = createBatchedScript<number>(redis, SUCCEEDED);
  return {
    async succeeded(subscriptionId) {
      await succeededMany([{ keys: [key(subscriptionId)], argv: [] }]);
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
