export type { CloudEvent, EventIdentity } from './cloud-event';
export { EVENT_KEY_FORMAT, eventKey, occurrenceKey, shortHash } from './event-key';
export type { EventRecord, EventRecordStore, EnrichmentFailure } from './event-record-store';
export { createRedisEventRecordStore, type RedisEventRecordStoreOptions } from './redis-event-record-store';
export { createCachedEventRecords, type CachedEventRecordsOptions } from './cached-event-records';
export { isAbsoluteUri, isUriReference } from './uri';
export { declaresJson, isJsonMediaType, isTextMediaType, parseMediaType, type MediaType } from './media-type';
export { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';
export { orderingKey } from './ordering-key';
