import { createHash } from 'node:crypto';
import type { EventIdentity } from './cloud-event';

/** Bytes of the hash an event key keeps: 120 bits, 20 characters of base64url. */
const KEY_BYTES = 15;

/** What an event key looks like: 20 characters of base64url. */
export const EVENT_KEY_FORMAT = /^[A-Za-z0-9_-]{20}$/;

/**
 * The first 120 bits of the SHA-256 of `input`, in 20 characters of base64url: the form of event
 * keys and of the delivery ids made from them.
 */
export function shortHash(input: string): string {
  return createHash('sha256').update(input).digest().toString('base64url', 0, KEY_BYTES);
}

/**
 * An event's key: a hash of its tenant and identity (`source` + `id`), so that deduplication is
 * per tenant and no sender can suppress another tenant's event by posting its id first.
 * Length-prefixed so that no two different (tenant, source, id) triples hash the same input.
 * base64url (BullMQ accepts it in job ids, URLs take it as it is), and short: the key, and the
 * delivery ids made from it, are written into many Redis keys and members, so each character
 * is paid for in memory and in the AOF many times an event.
 */
export function eventKey(identity: EventIdentity, tenant: string): string {
  return shortHash(`${tenant.length}:${tenant}${identity.source.length}:${identity.source}${identity.id}`);
}

/**
 * The key of one occurrence of an event: its identity key and the ingest job that owns it. A
 * repeat within the dedupe window is owned by the same job, so it answers the same key; a re-post
 * after the window is owned by another job, so it is a new event, with a record and deliveries
 * (and webhook-ids) of its own, and the first occurrence's stay as they were.
 */
export function occurrenceKey(identityKey: string, ownerJobId: string): string {
  return shortHash(`${identityKey}|${ownerJobId}`);
}
