import type { RedisClient } from '../queues/redis-connection';
import { SKIP } from './delivery-scheduler-scripts';
import type { SchedulerKeys } from './redis-delivery-scheduler';

/** A key of an ordered subscription (`onFailure: "block"`) that waits behind a delivery that failed for good. */
export interface BlockedKey {
  /** The event key of the delivery at the head of the key's lane. */
  readonly eventKey: string;
  readonly orderingKey: string;
}

/**
 * Port: the keys an ordered subscription blocks, and skipping a blocked head (it stays `failed`,
 * replayable; the key's next delivery goes on). Replaying the head and getting it delivered
 * releases the key too.
 */
export interface BlockedKeys {
  list(subscriptionId: string): Promise<BlockedKey[]>;
  /** Answers false when the delivery is not the blocked head of its key (any more). */
  skip(subscriptionId: string, eventKey: string): Promise<boolean>;
}

type Scripted = RedisClient & {
  ceSkipBlocked(...keysAndArgs: string[]): Promise<number>;
};

export function createRedisBlockedKeys(
  redis: RedisClient,
  keys: Pick<SchedulerKeys, 'blocked' | 'lane' | 'intake' | 'line' | 'lines'>,
  now: () => number = Date.now,
): BlockedKeys {
  const scripted = redis as Scripted;
  if (typeof scripted.ceSkipBlocked !== 'function')
    redis.defineCommand('ceSkipBlocked', { numberOfKeys: 5, lua: SKIP });
  return {
    async list(subscriptionId) {
      const found = await redis.hgetall(keys.blocked(subscriptionId));
      return Object.entries(found).map(([eventKey, orderingKey]) => ({ eventKey, orderingKey }));
    },
    async skip(subscriptionId, eventKey) {
      // The lane's name needs the ordering key: read first, checked again in the script.
      const orderingKey = await redis.hget(keys.blocked(subscriptionId), eventKey);
      if (orderingKey === null) return false;
      const skipped = await scripted.ceSkipBlocked(
        keys.blocked(subscriptionId),
        keys.lane(subscriptionId, orderingKey),
        keys.intake(orderingKey),
        keys.line(subscriptionId),
        keys.lines,
        eventKey,
        subscriptionId,
        String(now()),
        orderingKey,
      );
      return skipped === 1;
    },
  };
}
