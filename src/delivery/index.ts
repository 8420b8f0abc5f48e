export type { SendResult } from './send-result';
export { classifyResponse, type AttemptOutcome, type ClassifyPolicy } from './classify-response';
export { scheduledDelayMs } from './retry-schedule';
export {
  buildRequest,
  createRequestBuilder,
  percentEncodeHeader,
  type OutgoingMessage,
} from './build-request';
export { createRequestSigner, signRequest } from './sign-request';
export { createHttpSender, type HttpSender, type OutgoingRequest } from './http-sender';
export type {
  DeliveryRecord,
  DeliveryAttempt,
  DeliveryStatus,
  DeliveryStore,
  Backlogs,
  DeliveryRef,
  DeliveryQuery,
  DeliveryPage,
  NewDelivery,
  FinalStatus,
} from './delivery-record';
export { DELIVERY_STATUSES, FINAL_STATUSES, isFinal } from './delivery-record';
export {
  createRedisDeliveryStore,
  listPosition,
  type DeliveryKeys,
  type RetentionSeconds,
} from './redis-delivery-store';
export { createLocalSlotGate, type LocalSlotGateOptions } from './local-slot-gate';
export { createRedisSubscriptionHealth, type SubscriptionHealth } from './subscription-health';
export { createDeliverProcessor, type DeliverProcessorDeps } from './deliver-processor';
export { deliveryLimits, NO_SLOTS } from './delivery-limits';
export {
  createReplayService,
  deliveryNotFound,
  type ReplayService,
  type BulkReplayQuery,
  type ReplayReport,
} from './replay-service';
export { createWebhookHandshake } from './webhook-handshake-client';
export { createSubscriptionPace, type SubscriptionPace } from './subscription-pace';
export {
  createInlineFirstAttempts,
  type InlineFirstAttempts,
  type InlineFirstAttemptsDeps,
} from './inline-first-attempts';
export { deliveryId, DELIVERY_ID_FORMAT } from './delivery-id';
export type { DeliverDecision } from './deliver-decision';
export {
  afterAttempt,
  beforeAttempt,
  isSuperseded,
  type AfterAttempt,
  type BeforeAttempt,
} from './delivery-steps';
export type { AttemptReport, DeliveryObserver } from './delivery-observer';
export type {
  Admission,
  DeliveryLimits,
  DeliveryScheduler,
  LaneEvent,
  LineEntry,
  ReleaseOptions,
} from './delivery-scheduler';
export {
  createRedisDeliveryScheduler,
  type RedisDeliverySchedulerOptions,
  type SchedulerKeys,
} from './redis-delivery-scheduler';
export { createRedisBlockedKeys, type BlockedKey, type BlockedKeys } from './blocked-keys';
export { createHandedAttempts, type HandedAttempts, type HandedAttemptsDeps } from './handed-attempts';
export { handOnWhile } from './hand-on-while';
export { shareOfLimits, withSharedLimits } from './shared-limits';
export {
  blockedKeysAcrossShards,
  deliveriesAcrossShards,
  mergeBacklogs,
  replayAcrossShards,
  type DeliveryReads,
} from './across-shards';
