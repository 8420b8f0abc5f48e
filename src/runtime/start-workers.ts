import type { Config, RelayConfig } from '../config';
import { createHttpSender, createRedisSubscriptionHealth, createSubscriptionPace } from '../delivery';
import { createEnricher, createRedisUpstreamRateLimiter, createUpstreamClient } from '../enrich';
import { throttledWarn, type Logger } from '../logging';
import { createDeliveryTelemetry, createEnrichTelemetry, type Metrics } from '../observability';
import { createRedisConnection, type RedisTarget, type Shards } from '../queues';
import { createSubscriptionCache } from '../routing';
import { createAddressPolicy } from '../security';
import { createRedisSubscriptionStore, createSubscriptionService, type Subscription } from '../subscriptions';
import { packageVersion } from './package-info';
import { startShardPipeline, type PipelineShared } from './start-shard-pipeline';

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
  readonly shards: Shards;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * Starts the pipeline workers: the ingest worker stores and routes each event; the deliver
 * worker sends each delivery. Both take jobs only once the subscriptions are loaded.
 */
export function startWorkers(deps: StartWorkersDeps): RunningWorkers {
  const { config, logger, metrics } = deps;
  const control = deps.shards.control;
  const served =
    config.WORKER_SHARDS.length > 0 ? config.WORKER_SHARDS : deps.shards.keys.map((_, shard) => shard);
  const onError = throttledWarn(logger, 'worker Redis error (workers resume when it is back)');
  const connect = () => createRedisConnection(deps.redis, 'worker').on('error', onError);
  // BullMQ's connections, then `records`: ce-relay's own per-delivery commands. Not auto-pipelined:
  // the stores batch the commands of one turn of the event loop themselves (`createBatchedScript`),
  // and ioredis's auto-pipelining would wait another turn before writing.
  const connections = [connect(), connect(), connect(), connect(), connect()] as const;
  const [ingestConnection, deliverConnection, commands, subscriber, records] = connections;

  const subscriptionStore = createRedisSubscriptionStore(commands, control.subscriptions);
  const subscriptions = createSubscriptionCache({
    store: subscriptionStore,
    subscriber,
    channel: control.subscriptions.changes,
    pollMs: config.SUBSCRIPTION_POLL_MS,
    onError,
  });
  const limiter = createRedisUpstreamRateLimiter(records, {
    window: control.upstreamWindow,
    pause: control.upstreamPause,
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
  const health = createRedisSubscriptionHealth(records, control.failingSince);
  const shared: PipelineShared = {
    config,
    logger,
    connections: { ingest: ingestConnection, deliver: deliverConnection, commands, records },
    subscriptions: subscriptions.index,
    enrich,
    send: sender,
    health,
    pace: createSubscriptionPace(),
    disableSubscription: async (id, reason, failingSince) => {
      metrics.subscriptionsDisabled.inc();
      logger.warn({ subscriptionId: id, reason }, 'disabling subscription');
      await subscriptionService.disable(id, reason, failingSince);
    },
    observer: createDeliveryTelemetry(logger, metrics),
    onError,
    shardCount: deps.shards.count,
    servedCount: served.length,
  };
  const pipelines = served.map((shard) => startShardPipeline(deps.shards.keys[shard]!, shared));
  const workers = pipelines.flatMap((pipeline) => [pipeline.ingest, pipeline.deliver]);

  // Slots no release handed on (a worker died, a subscription was resumed, a new second began):
  // handed to the lines now and then.
  const sweep = () => Promise.all(pipelines.map((pipeline) => pipeline.sweep().catch(onError)));
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
        shards: served.length === deps.shards.count ? 'all' : served,
      },
      'workers started',
    );
    await Promise.all(workers.map((worker) => worker.run()));
  };
  startWhenLoaded().catch((error: unknown) => logger.error({ err: error }, 'workers stopped'));

  return {
    workers: [
      { name: 'ingest', isRunning: () => pipelines.every((pipeline) => pipeline.ingest.isRunning()) },
      { name: 'deliver', isRunning: () => pipelines.every((pipeline) => pipeline.deliver.isRunning()) },
    ],
    subscription: (id) => subscriptions.index.get(id),
    subscriptionIds: () => subscriptions.index.ids(),
    async close() {
      closed = true;
      clearInterval(sweeper);
      // With Redis down no job can finish: do not wait for one.
      const force = commands.status !== 'ready';
      await Promise.all(workers.map((worker) => worker.close(force)));
      // First attempts that outlasted their budget (their jobs are queued), and deliveries handed a
      // slot here: let them record.
      if (!force) await Promise.all(pipelines.map((pipeline) => pipeline.drain()));
      await subscriptions.close();
      await Promise.all(pipelines.map((pipeline) => pipeline.close()));
      await sender.close();
      await Promise.all(upstreams.map((upstream) => upstream.close()));
      for (const connection of connections) connection.disconnect();
    },
  };
}
