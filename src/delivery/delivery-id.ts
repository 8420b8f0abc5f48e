import { EVENT_KEY_FORMAT, shortHash } from '../events';

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
