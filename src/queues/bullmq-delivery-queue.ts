import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection';
import { deliveryJobId, type DeliveryJob } from './delivery-job';
import { QUEUE_NAMES } from './key-space';

export interface EnqueueDeliveryOptions {
  /** Start the n-th job `n * spacingMs` from now: paces bulk replays. */
  readonly spacingMs?: number;
  /** Lower numbers first; live traffic has none (BullMQ serves it before prioritized jobs). */
  readonly priority?: number;
}

/** A job to start after `delayMs` (0: now). */
export interface ScheduledDelivery {
  readonly job: DeliveryJob;
  readonly delayMs: number;
}

export interface DeliveryQueue {
  /** Adds one job per delivery round in one round trip; an id already queued is not added again. */
  enqueue(jobs: readonly DeliveryJob[], options?: EnqueueDeliveryOptions): Promise<void>;
  /** As `enqueue`, each job after its own delay. */
  schedule(items: readonly ScheduledDelivery[]): Promise<void>;
  close(): Promise<void>;
}

export function createBullmqDeliveryQueue(options: {
  readonly connection: RedisClient;
  readonly prefix: string;
  readonly onError?: (error: Error) => void;
}): DeliveryQueue & { queue: Queue } {
  const queue = new Queue(QUEUE_NAMES.deliver, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: {
      // Retries of a delivery are the delivery's own (its record and schedule); these attempts
      // only cover a processor that failed to run (e.g. Redis went away mid-attempt).
      attempts: 20,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { age: 30 * 86_400 },
    },
  });
  queue.on('error', (error) => options.onError?.(error));
  const bulkJob = (data: DeliveryJob, delayMs: number, priority?: number) => ({
    name: 'deliver',
    data: { ...data, round: data.round ?? 0 },
    opts: {
      jobId: deliveryJobId(data),
      ...(delayMs > 0 ? { delay: delayMs } : {}),
      ...(priority ? { priority } : {}),
    },
  });
  return {
    queue,
    async enqueue(jobs, opts = {}) {
      if (jobs.length === 0) return;
      await queue.addBulk(jobs.map((data, i) => bulkJob(data, i * (opts.spacingMs ?? 0), opts.priority)));
    },
    async schedule(items) {
      if (items.length === 0) return;
      await queue.addBulk(items.map((item) => bulkJob(item.job, item.delayMs)));
    },
    close: () => queue.close(),
  };
}
