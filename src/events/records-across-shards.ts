import type { EventRecordStore } from './event-record-store';

/**
 * Event records of many shards, read by key: an event is in the shard of its ordering key, which
 * its key does not tell, so each shard is asked. With one shard, that shard's store.
 */
export function eventRecordsAcrossShards(stores: readonly EventRecordStore[]): Pick<EventRecordStore, 'get'> {
  if (stores.length === 1) return stores[0]!;
  return {
    get: async (key) => (await Promise.all(stores.map((store) => store.get(key)))).find(Boolean),
  };
}
