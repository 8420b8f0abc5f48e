import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Payload of a `deliver` job, version 1: ids only; the event is read from its record. */
export const deliveryJobSchema = z.object({
  v: z.literal(1),
  eventKey: z.string().regex(/^[0-9a-f]{40}$/),
  subscriptionId: z.string().min(1),
  /** 0 for the routed delivery; a replay's round number otherwise. */
  round: z.int().min(0).default(0),
});

export type DeliveryJob = z.input<typeof deliveryJobSchema>;

/**
 * The delivery id of (event, subscription): deterministic, so routing an event twice names the
 * same delivery (and BullMQ keeps one job per id). Hex, as BullMQ rejects `:` in custom ids.
 */
export function deliveryId(eventKey: string, subscriptionId: string): string {
  return createHash('sha256').update(`${eventKey}|${subscriptionId}`).digest('hex').slice(0, 40);
}

/** The BullMQ job id of one round of a delivery. */
export function deliveryJobId(job: DeliveryJob): string {
  const id = deliveryId(job.eventKey, job.subscriptionId);
  return job.round ? `${id}-r${job.round}` : id;
}
