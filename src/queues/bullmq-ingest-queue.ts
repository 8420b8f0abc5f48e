import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { IngestJob } from './ingest-job';
import { QUEUE_NAMES } from './key-space';
import { createMicroBatcher } from './micro-batcher';

/** Result of queuing one event: its key, and whether it was a repeat within the dedupe window. */
const DOWN = new Set(['reconnecting', 'close', 'end']);

export interface EnqueueOutcome {
  readonly key: string;
  readonly duplicate: boolean;
}

export interface IngestQueue {
  /**
   * Queues the jobs in one round trip (a pipeline, not a transaction); resolves once Redis
   * confirmed every one. When it fails, some may have been queued: the sender's retry is then
   * answered with those marked as duplicates, so nothing is queued twice.
   */
  enqueue(jobs: readonly IngestJob[]): Promise<EnqueueOutcome[]>;
  close(): Promise<void>;
}

export interface BullmqIngestQueueOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly dedupeWindowSeconds: number;
  readonly onError?: (error: Error) => void;
}

/**
 * The ingest queue on BullMQ. Deduplication is BullMQ's own (`deduplication.id` = event key,
 * `ttl` = dedupe window), checked in the same Lua script that adds the job, so it is atomic
 * with the enqueue: concurrent repeats cannot both get in, and a failed enqueue marks nothing.
 * Each add carries a fresh job id; BullMQ answers with the earlier job's id for a repeat.
 */
export function createBullmqIngestQueue(options: BullmqIngestQueueOptions): IngestQueue & { queue: Queue } {
  const queue = new Queue(QUEUE_NAMES.ingest, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { age: 30 * 86_400 },
    },
  });
  queue.on('error', (error) => options.onError?.(error));
  const ttl = options.dedupeWindowSeconds * 1000;
  // Concurrent requests' jobs share one addBulk (one round trip); each request is still answered
  // only once Redis confirmed the whole flush its jobs were in.
  const add = createMicroBatcher(async (jobs: readonly IngestJob[]) => {
    const requested = jobs.map((data) => ({
      name: 'event',
      data,
      opts: { jobId: randomUUID(), deduplication: { id: data.key, ttl } },
    }));
    const added = await queue.addBulk(requested);
    return added.map((job, index) => ({
      key: jobs[index]!.key,
      duplicate: job.id !== requested[index]!.opts.jobId,
    }));
  });
  return {
    queue,
    async enqueue(jobs) {
      if (jobs.length === 0) return [];
      // Known to be down (lost, or never reached): fail now rather than wait for a reconnect.
      if (DOWN.has(options.connection.status))
        throw new Error(`Redis connection is ${options.connection.status}`);
      return add(jobs);
    },
    close: () => queue.close(),
  };
}
