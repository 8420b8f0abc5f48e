import type { RedisClient } from '../queues/redis-connection';
import { createBatchedScript } from '../batching';
import type { EventRecord, EventRecordStore } from './event-record-store';

export interface RedisEventRecordStoreOptions {
  readonly redis: RedisClient;
  /** Maps an event key to its Redis key. */
  readonly recordKey: (eventKey: string) => string;
  /** Records expire after this long (documented retention). */
  readonly retentionSeconds: number;
}

// KEYS: the records' keys. ARGV: per record, its JSON and TTL in seconds.
const SAVE = `
local saved = {}
for k = 1, #KEYS do
  redis.call('SET', KEYS[k], ARGV[k * 2 - 1], 'EX', ARGV[k * 2])
  saved[k] = 1
end
return saved`;

/**
 * Event records as JSON strings with a TTL, one key per event. Records saved during the same turn
 * of the event loop share one command.
 */
export function createRedisEventRecordStore(options: RedisEventRecordStoreOptions): EventRecordStore {
  const { redis, recordKey, retentionSeconds } = options;
  const saveMany = createBatchedScript<number>(redis, SAVE);
  const ttl = String(retentionSeconds);
  return {
    async save(record) {
      await saveMany([{ keys: [recordKey(record.key)], argv: [JSON.stringify(record), ttl] }]);
    },
    async get(key) {
      const json = await redis.get(recordKey(key));
      if (json === null) return undefined;
      return JSON.parse(json) as EventRecord;
    },
  };
}
