import { DelayedError, type Worker } from 'bullmq';
import type { DeliverDecision } from '../delivery/deliver-decision';
import { createContractWorker, type WorkerOptions } from './contract-worker';
import { deliveryJobSchema } from './delivery-job';
import { QUEUE_NAMES } from './key-space';

export interface DeliverWorkerOptions extends WorkerOptions {
  readonly process: (job: {
    eventKey: string;
    subscriptionId: string;
    round: number;
  }) => Promise<DeliverDecision>;
}

/**
 * A BullMQ worker on the deliver queue. "Later" moves the job back to delayed without using up
 * a BullMQ attempt: the delivery's retries are counted in its record, not here.
 */
export function createDeliverWorker(options: DeliverWorkerOptions): Worker {
  return createContractWorker(QUEUE_NAMES.deliver, deliveryJobSchema, options, async (data, job, token) => {
    const decision = await options.process(data);
    if (decision.kind === 'later') {
      await job.moveToDelayed(Date.now() + decision.delayMs, token);
      throw new DelayedError();
    }
  });
}
