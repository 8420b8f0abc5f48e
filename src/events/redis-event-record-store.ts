import type { Redis } from 'ioredis';
import { DEFAULT_TENANT } from '../security';
import type { EventRecord, EventRecordStore } from './event-record-store';

export interface RedisEventRecordStoreOptions {
  readonly redis: Redis;
  /** Maps an event key to its Redis key. */
  readonly recordKey: (eventKey: string) => string;
  /** Records expire after this long (documented retention). */
  readonly retentionSeconds: number;
}

/** Event records as JSON strings with a TTL, one key per event. */
export function createRedisEventRecordStore(options: RedisEventRecordStoreOptions): EventRecordStore {
  const { redis, recordKey, retentionSeconds } = options;
  return {
    async save(record) {
      await redis.set(recordKey(record.key), JSON.stringify(record), 'EX', retentionSeconds);
    },
    async get(key) {
      const json = await redis.get(recordKey(key));
      if (json === null) return undefined;
      // Records stored before tenancy belong to the default tenant.
      const record = JSON.parse(json) as Omit<EventRecord, 'tenant'> & { tenant?: string };
      return { ...record, tenant: record.tenant ?? DEFAULT_TENANT };
    },
  };
}
