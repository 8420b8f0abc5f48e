import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliveryId, type DeliveryJob } from './delivery-job';
import { QUEUE_NAMES } from './key-space';

export interface DeliveryQueue {
  /** Adds one job per delivery in one round trip; a delivery id already queued is not added again. */
  enqueue(jobs: readonly DeliveryJob[]): Promise<void>;
  close(): Promise<void>;
}

export function createBullmqDeliveryQueue(options: {
  readonly connection: Redis;
  readonly prefix: string;
  readonly onError?: (error: Error) => void;
}): DeliveryQueue & { queue: Queue } {
  const queue = new Queue(QUEUE_NAMES.deliver, { connection: options.connection, prefix: options.prefix });
  queue.on('error', (error) => options.onError?.(error));
  return {
    queue,
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      await queue.addBulk(
        jobs.map((data) => ({
          name: 'deliver',
          data,
          opts: { jobId: deliveryId(data.eventKey, data.subscriptionId) },
        })),
      );
    },
    close: () => queue.close(),
  };
}
