import { z } from 'zod';
import { deliveryId } from '../delivery/delivery-id';
import { EVENT_KEY_FORMAT } from '../events';

/** Payload of a `deliver` job, version 1: ids only; the event is read from its record. */
export const deliveryJobSchema = z.object({
  v: z.literal(1),
  eventKey: z.string().regex(EVENT_KEY_FORMAT),
  subscriptionId: z.string().min(1),
  /** 0 for the routed delivery; a replay's round number otherwise. */
  round: z.int().min(0).default(0),
});

export type DeliveryJob = z.input<typeof deliveryJobSchema>;

/** The BullMQ job id of one round of a delivery. */
export function deliveryJobId(job: DeliveryJob): string {
  const id = deliveryId(job.eventKey, job.subscriptionId);
  return job.round ? `${id}-r${job.round}` : id;
}
