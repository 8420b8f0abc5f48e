import type { Config, RelayConfig } from '../config';
import {
  createDeliverProcessor,
  createHttpSender,
  createInlineFirstAttempts,
  createSubscriptionPace,
  createRedisDeliveryStore,
  createLocalSlotGate,
  createHandedAttempts,
  createRedisDeliveryScheduler,
  deliveryLimits,
  handOnWhile,
  type DeliveryLimits,
  createRedisSubscriptionHealth,
} from '../delivery';
import { createEnricher, createRedisUpstreamRateLimiter, createUpstreamClient } from '../enrich';
import { createCachedEventRecords, createRedisEventRecordStore } from '../events';
import { createIngestProcessor } from '../ingest';
import { eventProblem } from '../ingress';
import { throttledWarn, type Logger } from '../logging';
import { createDeliveryTelemetry, createEnrichTelemetry, type Metrics } from '../observability';
import {
  createBullmqDeliveryQueue,
  createDeliverWorker,
  createIngestWorker,
  createRedisConnection,
  claimKeys,
  createRedisEventClaims,
  createRedisIngestSetAside,
  type KeySpace,
  type RedisTarget,
} from '../queues';
import { createEventRouter, createIntakeRelease, createSubscriptionCache } from '../routing';
import { createAddressPolicy } from '../security';
import { createRedisSubscriptionStore, createSubscriptionService, type Subscription } from '../subscriptions';
import { packageVersion } from './package-info';

/** A deleted subscription's line is handed out this many at a time, to end failed. */
const ENDING_LINE: DeliveryLimits = { maxInFlight: 100, leaseMs: 60_000 };

export interface RunningWorkers {
  readonly workers: readonly { readonly name: string; isRunning(): boolean }[];
  /** The subscription as these workers route with it now (their cache), if they know it. */
  subscription(id: string): Subscription | undefined;
  /** The ids of every subscription these workers know. */
  subscriptionIds(): string[];
  /** Stops fetching jobs and waits for the active ones to finish. */
  close(): Promise<void>;
}

export interface StartWorkersDeps {
  readonly config: Config;
  /** Upstreams for enrichment (`RELAY_CONFIG`); none means events go on as they arrived. */
  readonly relay: RelayConfig;
  readonly redis: RedisTarget;
  readonly keys: KeySpace;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Starts the pipeline workers: the ingest worker stores and routes each event; the deliver
 * worker sends each delivery. Both take jobs only once the subscriptions are loaded.
 */
export function startWorkers(deps: StartWorkersDeps): RunningWorkers {
  const { config, keys, logger, metrics } = deps;
  const onError = throttledWarn(logger, 'worker Redis error (workers resume when it is back)');
  const connect = () => createRedisConnection(deps.redis, 'worker').on('error', onError);
  // BullMQ's connections, then `records`: ce-relay's own per-delivery commands. Not auto-pipelined:
  // the stores batch the commands of one turn of the event loop themselves (`createBatchedScript`),
  // and ioredis's auto-pipelining would wait another turn before writing.
  const connections = [connect(), connect(), connect(), connect(), connect()] as const;
  const [ingestConnection, deliverConnection, commands, subscriber, records] = connections;

  const subscriptionStore = createRedisSubscriptionStore(commands, keys.subscriptions);
  const subscriptions = createSubscriptionCache({
    store: subscriptionStore,
    subscriber,
    channel: keys.subscriptions.changes,
    pollMs: config.SUBSCRIPTION_POLL_MS,
    onError,
  });
  const deliveryQueue = createBullmqDeliveryQueue({ connection: commands, prefix: keys.bullPrefix, onError });
  // Saved by routing and read by the deliveries of the same event: kept in memory a short while.
  const events = createCachedEventRecords(
    createRedisEventRecordStore({
      redis: records,
      recordKey: keys.eventRecord,
      retentionSeconds: config.EVENT_RETENTION_SECONDS,
    }),
    { maxEntries: 5_000, ttlMs: 30_000 },
  );
  const limiter = createRedisUpstreamRateLimiter(records, {
    window: keys.upstreamWindow,
    pause: keys.upstreamPause,
  });
  const policy = createAddressPolicy(config.ALLOW_SINK_CIDRS);
  const upstreams = deps.relay.upstreams.map((upstream) =>
    createUpstreamClient(upstream, { limiter, policy, observer: createEnrichTelemetry(logger, metrics) }),
  );
  const enrich = upstreams.length > 0 ? createEnricher(upstreams) : undefined;
  const sender = createHttpSender({ userAgent: `ce-relay/${packageVersion()}`, policy });
  const subscriptionService = createSubscriptionService({
    store: subscriptionStore,
    secretOverlapSeconds: config.SECRET_ROTATION_OVERLAP_SECONDS,
  });
  const pace = createSubscriptionPace();
  const scheduler = createRedisDeliveryScheduler(records, {
    keys: keys.scheduler,
    run: (handed) => handedAttempts.run(handed),
  });
  const deliveryStore = createRedisDeliveryStore(records, keys.deliveries, {
    delivered: config.DELIVERED_RETENTION_SECONDS,
    failed: config.FAILED_RETENTION_SECONDS,
  });
  const deliverOne = createDeliverProcessor({
    subscription: (id) => subscriptions.index.get(id),
    events,
    deliveries: deliveryStore,
    // A quick subscription this process keeps at its cap: attempts wait here briefly before the line.
    scheduler: createLocalSlotGate(
      handOnWhile(scheduler, () => handedAttempts.accepting),
      { maxWaitMs: config.SLOT_WAIT_MS, typicalMs: (id) => pace.typicalMs(id) },
    ),
    retry: ({ eventKey, subscriptionId, round }, delayMs) =>
      deliveryQueue.schedule([{ job: { v: 1, eventKey, subscriptionId, round }, delayMs }]),
    send: sender,
    health: createRedisSubscriptionHealth(records, keys.failingSince),
    disableSubscription: async (id, reason, failingSince) => {
      metrics.subscriptionsDisabled.inc();
      logger.warn({ subscriptionId: id, reason }, 'disabling subscription');
      await subscriptionService.disable(id, reason, failingSince);
    },
    autoDisableAfterMs: config.AUTO_DISABLE_AFTER_SECONDS * 1000,
    maxRetryAfterMs: config.MAX_RETRY_AFTER_SECONDS * 1000,
    busyDelayMs: { min: 20, max: 2_000 },
    pace,
    requestOrigin: config.WEBHOOK_REQUEST_ORIGIN,
    observer: createDeliveryTelemetry(logger, metrics),
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
    subscription: (id) => subscriptions.index.get(id),
    pace,
    budgetMs: config.INLINE_ATTEMPT_BUDGET_MS,
    onError: throttledWarn(logger, 'first attempt failed before sending; its deliver job will make it'),
  });
  const setAside = createRedisIngestSetAside(records, keys.ingestSetAside);
  const releaseIntake = createIntakeRelease({ index: subscriptions.index, scheduler });
  const ingest = createIngestWorker({
    connection: ingestConnection,
    prefix: keys.bullPrefix,
    concurrency: config.INGEST_CONCURRENCY,
    claims: createRedisEventClaims(records, claimKeys(keys), config.DEDUPE_WINDOW_SECONDS),
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
      enrich,
      onPartial: (key, failures) =>
        logger.warn({ eventKey: key, failures }, 'event goes on without some of its resources'),
      route: createEventRouter({
        index: subscriptions.index,
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
    connection: deliverConnection,
    prefix: keys.bullPrefix,
    concurrency: config.DELIVERY_CONCURRENCY,
    process: deliverOne,
    onError,
    onFailed: (jobId, error) => logger.error({ jobId, err: error }, 'deliver job failed'),
    autorun: false,
    lockMs: config.WORKER_LOCK_MS,
  });

  // Slots no release handed on (a worker died, a subscription was resumed, a new second began):
  // handed to the lines now and then. A deleted subscription's line is handed out a batch at a
  // time: its deliveries end failed, with the reason. A paused or disabled one's stays, held.
  const sweep = () =>
    scheduler.sweep((id) => deliveryLimits(subscriptions.index.get(id)) ?? ENDING_LINE).catch(onError);
  let sweeper: NodeJS.Timeout | undefined;

  // Routing and delivery need the subscriptions: the workers take jobs only once they are loaded.
  let closed = false;
  const startWhenLoaded = async () => {
    while (!closed) {
      try {
        await subscriptions.start();
        break;
      } catch (error) {
        onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    if (closed) return;
    sweeper = setInterval(() => void sweep(), config.SCHEDULER_SWEEP_MS);
    logger.info(
      {
        ingest: config.INGEST_CONCURRENCY,
        deliver: config.DELIVERY_CONCURRENCY,
        subscriptions: subscriptions.index.size,
      },
      'workers started',
    );
    await Promise.all([ingest.run(), deliver.run()]);
  };
  startWhenLoaded().catch((error: unknown) => logger.error({ err: error }, 'workers stopped'));

  return {
    workers: [
      { name: 'ingest', isRunning: () => ingest.isRunning() },
      { name: 'deliver', isRunning: () => deliver.isRunning() },
    ],
    subscription: (id) => subscriptions.index.get(id),
    subscriptionIds: () => subscriptions.index.ids(),
    async close() {
      closed = true;
      clearInterval(sweeper);
      // With Redis down no job can finish: do not wait for one.
      const force = commands.status !== 'ready';
      await Promise.all([ingest.close(force), deliver.close(force)]);
      // First attempts that outlasted their budget (their jobs are queued), and deliveries handed a
      // slot here: let them record.
      if (!force) await Promise.all([inline.drain(), handedAttempts.drain()]);
      await subscriptions.close();
      await deliveryQueue.close();
      await sender.close();
      await Promise.all(upstreams.map((upstream) => upstream.close()));
      for (const connection of connections) connection.disconnect();
    },
  };
}
