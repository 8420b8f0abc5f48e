export { claimKeys, createKeySpace, QUEUE_NAMES, type KeySpace } from './key-space';
export { createShards, shardOf, shardTag, type Shards } from './shards';
export { createShardedIngestQueue } from './sharded-ingest-queue';
export {
  ingestItemSchema,
  ingestJobSchema,
  makeIngestItem,
  type IngestItem,
  type IngestBatchJob,
  type ReceivedVia,
} from './ingest-job';
export { claimItem, createRedisEventClaims, type ClaimItem, type EventClaims } from './event-claims';
export {
  createRedisConnection,
  describeTarget,
  type RedisTarget,
  type RedisClient,
  waitForReady,
  primaryFor,
  holdsWritablePrimary,
  isRedisUnavailableError,
  type ConnectionRole,
} from './redis-connection';
export {
  createBullmqIngestQueue,
  MAX_EVENTS_PER_JOB,
  newIngestJobId,
  type BullmqIngestQueueOptions,
  type EnqueueOutcome,
  type IngestQueue,
} from './bullmq-ingest-queue';
export { createIngestWorker, type IngestWorkerOptions } from './ingest-worker';
export {
  createRedisIngestSetAside,
  MAX_SET_ASIDE,
  type IngestSetAside,
  type SetAsideItem,
} from './ingest-set-aside';
export { deliveryJobSchema, deliveryJobId, type DeliveryJob } from './delivery-job';
export {
  createBullmqDeliveryQueue,
  type DeliveryQueue,
  type ScheduledDelivery,
} from './bullmq-delivery-queue';
export { createDeliverWorker, type DeliverWorkerOptions } from './deliver-worker';
export type { EnqueueDeliveryOptions } from './bullmq-delivery-queue';
export { createQueueCounts, type QueueCount, type QueueCounts } from './queue-counts';
