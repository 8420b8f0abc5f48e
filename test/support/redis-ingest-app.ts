import type { Express } from 'express';
import type { Queue } from 'bullmq';
import type { RedisClient } from '../../src/queues';
import { createRedisBlockedKeys, createRedisDeliveryStore, createReplayService } from '../../src/delivery';
import { createRedisEventRecordStore } from '../../src/events';
import {
  createBullmqDeliveryQueue,
  createBullmqIngestQueue,
  createKeySpace,
  createRedisConnection,
  claimKeys,
  createRedisEventClaims,
  type EventClaims,
  type IngestBatchJob,
  type IngestItem,
  type KeySpace,
  waitForReady,
} from '../../src/queues';
import type { SenderCredentials } from '../../src/security';
import {
  createRedisSubscriptionStore,
  createSubscriptionService,
  type SubscriptionStore,
} from '../../src/subscriptions';
import { buildTestApp } from './build-test-app';
import { uniquePrefix, type TestRedis } from './test-redis';

export interface RedisIngestApp {
  readonly app: Express;
  readonly queue: Queue;
  readonly connection: RedisClient;
  readonly keys: KeySpace;
  readonly subscriptionStore: SubscriptionStore;
  readonly claims: EventClaims;
  /** The events that jobs waiting in the ingest queue own: what a worker will process. */
  waitingJobs(): Promise<IngestItem[]>;
  close(): Promise<void>;
}

/**
 * The real app on a real BullMQ ingest queue and subscription store in the test's own Redis,
 * under a fresh key prefix (or `prefix`, to share one with a service under test).
 */
export async function buildRedisIngestApp(
  redis: TestRedis,
  label: string,
  options: { credentials?: SenderCredentials; prefix?: string } = {},
): Promise<RedisIngestApp> {
  const keys = createKeySpace(options.prefix ?? uniquePrefix(label));
  const connection = createRedisConnection(redis.url, 'producer');
  connection.on('error', () => undefined);
  await waitForReady(connection, 5000);
  const claims = createRedisEventClaims(connection, claimKeys(keys), 60);
  const ingest = createBullmqIngestQueue({ connection, prefix: keys.bullPrefix, claims });
  const subscriptionStore = createRedisSubscriptionStore(connection, keys.subscriptions);
  const subscriptions = createSubscriptionService({ store: subscriptionStore, secretOverlapSeconds: 3600 });
  const deliveries = createRedisDeliveryStore(connection, keys.deliveries, { delivered: 3600, failed: 3600 });
  const deliveryQueue = createBullmqDeliveryQueue({ connection, prefix: keys.bullPrefix });
  const app = buildTestApp({
    queue: ingest,
    credentials: options.credentials,
    enqueueTimeoutMs: 1500,
    subscriptions,
    deliveries: {
      deliveries,
      events: createRedisEventRecordStore({
        redis: connection,
        recordKey: keys.eventRecord,
        retentionSeconds: 3600,
      }),
      replay: createReplayService({ deliveries, queue: deliveryQueue, bulkSpacingMs: 1 }),
      blocked: createRedisBlockedKeys(connection, keys.scheduler),
    },
  });
  return {
    app,
    queue: ingest.queue,
    connection,
    keys,
    subscriptionStore,
    claims,
    async waitingJobs() {
      const jobs = await ingest.queue.getJobs(['waiting'], 0, -1, true);
      const owned: IngestItem[] = [];
      for (const job of jobs) {
        const { items } = job.data as IngestBatchJob;
        for (const item of items) {
          if ((await connection.get(keys.eventClaim(item.key))) === job.id) owned.push(item);
        }
      }
      return owned;
    },
    async close() {
      await ingest.close();
      await deliveryQueue.close();
      connection.disconnect();
    },
  };
}
