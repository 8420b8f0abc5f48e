import type { RedisClient } from '../queues/redis-connection';
import type { ApiKeyRecord } from './api-key';

/** Port for API key records. */
export interface ApiKeyStore {
  create(record: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, or one tenant's, in creation order. */
  list(tenant?: string): Promise<ApiKeyRecord[]>;
  delete(id: string): Promise<ApiKeyRecord | undefined>;
}

export interface ApiKeyKeys {
  /** `{cer}:apikey:<id>`: the record as JSON. */
  readonly key: (id: string) => string;
  /** `{cer}:apikeys`: sorted set of `<createdAt>|<id>`. */
  readonly list: string;
}

const member = (r: Pick<ApiKeyRecord, 'createdAt' | 'id'>) => `${r.createdAt}|${r.id}`;

/** API keys in Redis: one JSON string per key (digest only) and a creation-ordered list. */
export function createRedisApiKeyStore(redis: RedisClient, keys: ApiKeyKeys): ApiKeyStore {
  const get = async (id: string) => {
    const json = await redis.get(keys.key(id));
    return json === null ? undefined : (JSON.parse(json) as ApiKeyRecord);
  };
  return {
    async create(record) {
      await redis
        .multi()
        .set(keys.key(record.id), JSON.stringify(record))
        .zadd(keys.list, 0, member(record))
        .exec();
    },
    get,
    async list(tenant) {
      const ids = (await redis.zrange(keys.list, '0', '-1')).map((m) => m.slice(m.indexOf('|') + 1));
      if (ids.length === 0) return [];
      const values = await redis.mget(ids.map(keys.key));
      return values
        .filter((v): v is string => v !== null)
        .map((v) => JSON.parse(v) as ApiKeyRecord)
        .filter((r) => tenant === undefined || r.tenant === tenant);
    },
    async delete(id) {
      const existing = await get(id);
      if (!existing) return undefined;
      await redis.multi().del(keys.key(id)).zrem(keys.list, member(existing)).exec();
      return existing;
    },
  };
}
