import type { RedisClient } from '../queues/redis-connection';
import type { Config } from '../config';
import { createRedisDeliveryStore, deliveriesAcrossShards } from '../delivery';
import type { MetricsSource } from '../http';
import { throttledWarn, type Logger } from '../logging';
import { createGaugeRefresher, createMetrics, type Metrics } from '../observability';
import { createQueueCounts, type Shards } from '../queues';

export interface ProcessMetrics {
  readonly metrics: Metrics;
  /** What `GET /metrics` serves: the gauges read from Redis are refreshed first. */
  readonly source: MetricsSource;
  /** Adds the backlog gauges of these subscriptions (a process with workers knows them all). */
  countBacklogsOf(subscriptionIds: () => readonly string[]): void;
  close(): Promise<void>;
}

/** This process's metrics registry, and the Redis readings of its queue and backlog gauges. */
export function createProcessMetrics(
  config: Config,
  redis: RedisClient,
  shards: Shards,
  logger: Logger,
): ProcessMetrics {
  const metrics = createMetrics({ backlogs: config.ROLE !== 'api' });
  const stores = shards.keys.map((keys) =>
    createRedisDeliveryStore(redis, keys.deliveries, {
      delivered: config.DELIVERED_RETENTION_SECONDS,
      failed: config.FAILED_RETENTION_SECONDS,
    }),
  );
  const deliveries = deliveriesAcrossShards(stores);
  const queues = createQueueCounts(
    redis,
    shards.keys.map((keys) => keys.bullPrefix),
  );
  let subscriptions: (() => readonly string[]) | undefined;
  const refresh = createGaugeRefresher(
    metrics,
    {
      queues: () => queues.read(),
      backlogs: (top) => (subscriptions ? deliveries.backlogs(subscriptions(), top) : undefined),
    },
    {
      top: config.METRICS_TOP_SUBSCRIPTIONS,
      onError: throttledWarn(logger, 'could not read queue and backlog gauges from Redis'),
    },
  );
  return {
    metrics,
    source: {
      contentType: metrics.registry.contentType,
      render: async () => {
        await refresh();
        return metrics.registry.metrics();
      },
    },
    countBacklogsOf: (ids) => {
      subscriptions = ids;
    },
    close: () => queues.close(),
  };
}
