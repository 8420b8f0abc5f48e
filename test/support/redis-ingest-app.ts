import type { Express } from 'express';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  createBullmqIngestQueue,
  createKeySpace,
  createRedisConnection,
  type IngestJob,
} from '../../src/queues';
import type { SenderCredentials } from '../../src/security';
import { buildTestApp } from './build-test-app';
import { uniquePrefix, type TestRedis } from './test-redis';

export interface RedisIngestApp {
  readonly app: Express;
  readonly queue: Queue;
  readonly connection: Redis;
  /** Jobs waiting in the ingest queue. */
  waitingJobs(): Promise<IngestJob[]>;
  close(): Promise<void>;
}

/** The real app on a real BullMQ ingest queue in the test's own Redis, under a fresh key prefix. */
export function buildRedisIngestApp(
  redis: TestRedis,
  label: string,
  credentials?: SenderCredentials,
): RedisIngestApp {
  const keys = createKeySpace(uniquePrefix(label));
  const connection = createRedisConnection(redis.url, 'producer');
  connection.on('error', () => undefined);
  const ingest = createBullmqIngestQueue({ connection, prefix: keys.bullPrefix, dedupeWindowSeconds: 60 });
  const app = buildTestApp({ queue: ingest, credentials, enqueueTimeoutMs: 1500 });
  return {
    app,
    queue: ingest.queue,
    connection,
    async waitingJobs() {
      const jobs = await ingest.queue.getJobs(['waiting'], 0, -1, true);
      return jobs.map((job) => job.data as IngestJob);
    },
    async close() {
      await ingest.close();
      connection.disconnect();
    },
  };
}
