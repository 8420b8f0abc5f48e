import type { Worker } from 'bullmq';
import type { Config } from '../config';
import {
  createDeliverProcessor,
  createHandedAttempts,
  createInlineFirstAttempts,
  createLocalSlotGate,
  createRedisDeliveryScheduler,
  createRedisDeliveryStore,
  deliveryLimits,
  handOnWhile,
  withSharedLimits,
  type DeliveryLimits,
  type DeliveryObserver,
  type HttpSender,
  type SubscriptionHealth,
  type SubscriptionPace,
} from '../delivery';
import type { Enricher } from '../enrich';
import { createCachedEventRecords, createRedisEventRecordStore } from '../events';
import { createIngestProcessor } from '../ingest';
import { eventProblem } from '../ingress';
import { throttledWarn, type Logger } from '../logging';
import {
  claimKeys,
  createBullmqDeliveryQueue,
  createDeliverWorker,
  createIngestWorker,
  createRedisEventClaims,
  createRedisIngestSetAside,
  type KeySpace,
  type RedisClient,
} from '../queues';
import { createEventRouter, createIntakeRelease, type SubscriptionIndex } from '../routing';

/** A deleted subscription's line is handed out this many at a time, to end failed. */
const ENDING_LINE: DeliveryLimits = { maxInFlight: 100, leaseMs: 60_000 };

/** What every shard's pipeline in a process shares. */
export interface PipelineShared {
  readonly config: Config;
  readonly logger: Logger;
  /**
   * BullMQ's connections (each worker adds its own blocking one; `commands` queues jobs), and
   * `records`: ce-relay's own per-delivery commands.
   */
  readonly connections: {
    readonly ingest: RedisClient;
    readonly deliver: RedisClient;
    readonly commands: RedisClient;
    readonly records: RedisClient;
  };
  readonly subscriptions: SubscriptionIndex;
  readonly enrich: Enricher | undefined;
  readonly send: HttpSender;
  readonly health: SubscriptionHealth;
  readonly pace: SubscriptionPace;
  readonly disableSubscription: (id: string, reason: string, failingSince: Date) => Promise<void>;
  readonly observer: DeliveryObserver;
  readonly onError: (error: Error) => void;
  /** Shards in all (`REDIS_SHARDS`), and how many this process serves: they share its concurrency. */
  readonly shardCount: number;
  readonly servedCount: number;
}

export interface ShardPipeline {
  readonly ingest: Worker;
  readonly deliver: Worker;
  /** Hands slots that no release handed on to the shard's lines. */
  sweep(): Promise<unknown>;
  /** First attempts that outlasted their budget and handed deliveries: let them record. */
  drain(): Promise<void>;
  /** The shard's queue connections' own parts (the workers close on their own). */
  close(): Promise<void>;
}

/**
 * One shard's pipeline: its ingest worker stores and routes each event of the shard, its deliver
 * worker sends each delivery; its scheduler keeps the shard's lines and lanes, under each
 * subscription's share of its limits.
 */
export function startShardPipeline(keys: KeySpace, shared: PipelineShared): ShardPipeline {
  const { config, logger, connections, subscriptions, onError } = shared;
  const share = (total: number) => Math.max(1, Math.ceil(total / shared.servedCount));
  const deliveryQueue = createBullmqDeliveryQueue({
    connection: connections.commands,
    prefix: keys.bullPrefix,
    onError,
  });
  // Saved by routing and read by the deliveries of the same event: kept in memory a short while.
  const events = createCachedEventRecords(
    createRedisEventRecordStore({
      redis: connections.records,
      recordKey: keys.eventRecord,
      retentionSeconds: config.EVENT_RETENTION_SECONDS,
    }),
    { maxEntries: share(5_000), ttlMs: 30_000 },
  );
  const scheduler = withSharedLimits(
    createRedisDeliveryScheduler(connections.records, {
      keys: keys.scheduler,
      run: (handed) => handedAttempts.run(handed),
    }),
    shared.shardCount,
  );
  const deliveryStore = createRedisDeliveryStore(connections.records, keys.deliveries, {
    delivered: config.DELIVERED_RETENTION_SECONDS,
    failed: config.FAILED_RETENTION_SECONDS,
  });
  const deliverOne = createDeliverProcessor({
    subscription: (id) => subscriptions.get(id),
    events,
    deliveries: deliveryStore,
    // A quick subscription this process keeps at its cap: attempts wait here briefly before the line.
    scheduler: createLocalSlotGate(
      handOnWhile(scheduler, () => handedAttempts.accepting),
      { maxWaitMs: config.SLOT_WAIT_MS, typicalMs: (id) => shared.pace.typicalMs(id) },
    ),
    retry: ({ eventKey, subscriptionId, round }, delayMs) =>
      deliveryQueue.schedule([{ job: { v: 1, eventKey, subscriptionId, round }, delayMs }]),
    send: shared.send,
    health: shared.health,
    disableSubscription: shared.disableSubscription,
    autoDisableAfterMs: config.AUTO_DISABLE_AFTER_SECONDS * 1000,
    maxRetryAfterMs: config.MAX_RETRY_AFTER_SECONDS * 1000,
    busyDelayMs: { min: 20, max: 2_000 },
    pace: shared.pace,
    requestOrigin: config.WEBHOOK_REQUEST_ORIGIN,
    observer: shared.observer,
  });
  const handedAttempts = createHandedAttempts({
    process: (job) => deliverOne(job),
    onError: throttledWarn(
      logger,
      'a delivery handed a slot failed before it ended; it goes back to its line',
    ),
  });
  const inline = createInlineFirstAttempts({
    process: deliverOne,
    subscription: (id) => subscriptions.get(id),
    pace: shared.pace,
    budgetMs: config.INLINE_ATTEMPT_BUDGET_MS,
    onError: throttledWarn(logger, 'first attempt failed before sending; its deliver job will make it'),
  });
  const setAside = createRedisIngestSetAside(connections.records, keys.ingestSetAside);
  const releaseIntake = createIntakeRelease({ index: subscriptions, scheduler });
  const ingest = createIngestWorker({
    connection: connections.ingest,
    prefix: keys.bullPrefix,
    concurrency: share(config.INGEST_CONCURRENCY),
    claims: createRedisEventClaims(connections.records, claimKeys(keys), config.DEDUPE_WINDOW_SECONDS),
    check: eventProblem,
    setAside: {
      record: async (entry, item) => {
        logger.error(
          { jobId: entry.jobId, index: entry.index, reason: entry.reason },
          'ingest item set aside',
        );
        await setAside.record(entry, item);
        // Its event was acknowledged: ordered subscriptions' lanes of its key must not wait for it.
        await releaseIntake(item);
      },
    },
    process: createIngestProcessor({
      store: events,
      enrich: shared.enrich,
      onPartial: (key, failures) =>
        logger.warn({ eventKey: key, failures }, 'event goes on without some of its resources'),
      route: createEventRouter({
        index: subscriptions,
        deliveries: deliveryQueue,
        inline,
        scheduler,
        records: deliveryStore,
      }),
    }),
    onError,
    onFailed: (jobId, error) => logger.error({ jobId, err: error }, 'ingest job failed'),
    autorun: false,
    lockMs: config.WORKER_LOCK_MS,
  });
  const deliver = createDeliverWorker({
    connection: connections.deliver,
    prefix: keys.bullPrefix,
    concurrency: share(config.DELIVERY_CONCURRENCY),
    process: deliverOne,
    onError,
    onFailed: (jobId, error) => logger.error({ jobId, err: error }, 'deliver job failed'),
    autorun: false,
    lockMs: config.WORKER_LOCK_MS,
  });
  return {
    ingest,
    deliver,
    // A deleted subscription's line is handed out a batch at a time: its deliveries end failed,
    // with the reason. A paused or disabled one's stays, held.
    sweep: () => scheduler.sweep((id) => deliveryLimits(subscriptions.get(id)) ?? ENDING_LINE),
    drain: async () => {
      await Promise.all([inline.drain(), handedAttempts.drain()]);
    },
    close: () => deliveryQueue.close(),
  };
}
