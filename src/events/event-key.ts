import { createHash } from 'node:crypto';
import type { EventIdentity } from './cloud-event';

/**
 * An event's key: a hash of its tenant and identity (`source` + `id`), so that deduplication is
 * per tenant and no sender can suppress another tenant's event by posting its id first.
 * Length-prefixed so that no two different (tenant, source, id) triples hash the same input;
 * hex, so BullMQ accepts it in job ids.
 */
export function eventKey(identity: EventIdentity, tenant: string): string {
  return createHash('sha256')
    .update(`${tenant.length}:${tenant}${identity.source.length}:${identity.source}${identity.id}`)
    .digest('hex')
    .slice(0, 40);
}
