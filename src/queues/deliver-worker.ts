import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliveryJobSchema } from './delivery-job';
import { QUEUE_NAMES } from './key-space';

export type DeliverDecision =
  { readonly kind: 'done' } | { readonly kind: 'later'; readonly delayMs: number };

export interface DeliverWorkerOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  readonly process: (job: {
    eventKey: string;
    subscriptionId: string;
    round: number;
  }) => Promise<DeliverDecision>;
  readonly onError?: (error: Error) => void;
  readonly onFailed?: (jobId: string | undefined, error: Error) => void;
  readonly autorun?: boolean;
}

/**
 * A BullMQ worker on the deliver queue. "Later" moves the job back to delayed without using up
 * a BullMQ attempt: the delivery's retries are counted in its record, not here.
 */
export function createDeliverWorker(options: DeliverWorkerOptions): Worker {
  const worker = new Worker(
    QUEUE_NAMES.deliver,
    async (job, token) => {
      const parsed = deliveryJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`deliver job ${job.id} breaks the v1 contract: ${parsed.error.message}`);
      const decision = await options.process(parsed.data);
      if (decision.kind === 'later') {
        await job.moveToDelayed(Date.now() + decision.delayMs, token);
        throw new DelayedError();
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      autorun: options.autorun ?? true,
    },
  );
  worker.on('error', (error) => options.onError?.(error));
  worker.on('failed', (job, error) => options.onFailed?.(job?.id, error));
  return worker;
}
