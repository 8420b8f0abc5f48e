import type { EventRecord, EventRecordStore } from './event-record-store';

export interface CachedEventRecordsOptions {
  /** Records kept at most (the oldest go first). */
  readonly maxEntries: number;
  /** How long a record is served from memory. */
  readonly ttlMs: number;
  readonly now?: () => number;
}

/**
 * Event records read through a small in-memory cache: the deliveries of one event (one per
 * subscription, usually close together) then read its record from Redis once, or not at all when
 * this process saved it. A record does not change once routed, so a stale entry can only be one
 * that has since expired in Redis, which `ttlMs` bounds. Concurrent reads of the same key share
 * one request.
 */
export function createCachedEventRecords(
  store: EventRecordStore,
  options: CachedEventRecordsOptions,
): EventRecordStore {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { until: number; record: Promise<EventRecord | undefined> }>();
  const remember = (key: string, record: Promise<EventRecord | undefined>) => {
    cache.delete(key);
    cache.set(key, { until: now() + options.ttlMs, record });
    if (cache.size > options.maxEntries) cache.delete(cache.keys().next().value!);
  };
  return {
    async save(record) {
      await store.save(record);
      remember(record.key, Promise.resolve(record));
    },
    get(key) {
      const hit = cache.get(key);
      if (hit && hit.until > now()) return hit.record;
      if (hit) cache.delete(key);
      const record = store.get(key);
      // Only found records are kept; a failed or empty read is asked again next time.
      const forget = () => {
        if (cache.get(key)?.record === record) cache.delete(key);
      };
      record.then((found) => {
        if (!found) forget();
      }, forget);
      remember(key, record);
      return record;
    },
  };
}
