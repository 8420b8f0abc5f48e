import { z } from 'zod';
import { EVENT_KEY_FORMAT, shortHash } from '../events';

/** Payload of a `deliver` job, version 1: ids only; the event is read from its record. */
export const deliveryJobSchema = z.object({
  v: z.literal(1),
  eventKey: z.string().regex(EVENT_KEY_FORMAT),
  subscriptionId: z.string().min(1),
  /** 0 for the routed delivery; a replay's round number otherwise. */
  round: z.int().min(0).default(0),
});

export type DeliveryJob = z.input<typeof deliveryJobSchema>;

/**
 * The delivery id of (event, subscription): deterministic, so routing an event twice names the
 * same delivery (and BullMQ keeps one job per id). 120 bits in 20 characters of base64url, like
 * event keys (BullMQ rejects `:` in custom ids; these have none).
 */
export function deliveryId(eventKey: string, subscriptionId: string): string {
  return shortHash(`${eventKey}|${subscriptionId}`);
}

/** What a delivery id looks like: made as an event key is (`deliveryId`). */
export const DELIVERY_ID_FORMAT = EVENT_KEY_FORMAT;

/** The BullMQ job id of one round of a delivery. */
export function deliveryJobId(job: DeliveryJob): string {
  const id = deliveryId(job.eventKey, job.subscriptionId);
  return job.round ? `${id}-r${job.round}` : id;
}
