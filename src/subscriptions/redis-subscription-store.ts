import type { RedisClient } from '../queues/redis-connection';
import type { Subscription } from './subscription';
import type { ListOptions, SubscriptionPage, SubscriptionStore } from './subscription-store';

export interface SubscriptionKeys {
  /** `{cer}:sub:<id>`: the subscription as JSON. */
  readonly subscription: (id: string) => string;
  /** `{cer}:subs`: sorted set of `<createdAt>|<id>`, for listing in creation order. */
  readonly list: string;
  /** `{cer}:subs:version`: bumped on every change. */
  readonly version: string;
  /** Pub/sub channel announcing `<version>:<id>` after each change. */
  readonly changes: string;
}

const parse = (json: string): Subscription => JSON.parse(json) as Subscription;

const member = (s: Pick<Subscription, 'createdAt' | 'id'>) => `${s.createdAt}|${s.id}`;
const SCAN_BATCH = 200;

/**
 * Subscriptions in Redis: one JSON string per subscription, a creation-ordered list, a version
 * counter and a change channel. Writes go in one MULTI so the list and the records agree.
 */
export function createRedisSubscriptionStore(redis: RedisClient, keys: SubscriptionKeys): SubscriptionStore {
  const announce = (multi: ReturnType<RedisClient['multi']>, id: string) =>
    multi.incr(keys.version).publish(keys.changes, id);

  const getMany = async (ids: readonly string[]): Promise<Subscription[]> => {
    if (ids.length === 0) return [];
    const values = await redis.mget(ids.map(keys.subscription));
    return values.filter((v): v is string => v !== null).map(parse);
  };

  return {
    async create(subscription) {
      const multi = redis.multi().set(keys.subscription(subscription.id), JSON.stringify(subscription));
      multi.zadd(keys.list, 0, member(subscription));
      await announce(multi, subscription.id).exec();
    },
    async get(id) {
      const json = await redis.get(keys.subscription(id));
      return json === null ? undefined : parse(json);
    },
    async update(subscription) {
      const multi = redis.multi().set(keys.subscription(subscription.id), JSON.stringify(subscription), 'XX');
      await announce(multi, subscription.id).exec();
    },
    async delete(id) {
      const existing = await this.get(id);
      if (!existing) return undefined;
      const multi = redis.multi().del(keys.subscription(id)).zrem(keys.list, member(existing));
      await announce(multi, id).exec();
      return existing;
    },
    async list(options: ListOptions): Promise<SubscriptionPage> {
      const items: Subscription[] = [];
      let from = options.cursor ? `(${options.cursor}` : '-';
      for (;;) {
        const members = await redis.zrangebylex(keys.list, from, '+', 'LIMIT', '0', String(SCAN_BATCH));
        const batch = await getMany(members.map((m) => m.slice(m.indexOf('|') + 1)));
        for (const subscription of batch) {
          if (subscription.tenant !== options.tenant) continue;
          if (options.status && subscription.status !== options.status) continue;
          if (options.types && !subscription.types?.some((t) => options.types!.includes(t))) continue;
          items.push(subscription);
          if (items.length === options.limit) return { items, nextCursor: member(subscription) };
        }
        if (members.length < SCAN_BATCH) return { items };
        from = `(${members[members.length - 1]!}`;
      }
    },
    async all() {
      const members = await redis.zrange(keys.list, '0', '-1');
      const ids = members.map((m) => m.slice(m.indexOf('|') + 1));
      const result: Subscription[] = [];
      for (let i = 0; i < ids.length; i += 1000) result.push(...(await getMany(ids.slice(i, i + 1000))));
      return result;
    },
    async version() {
      return Number((await redis.get(keys.version)) ?? 0);
    },
  };
}
