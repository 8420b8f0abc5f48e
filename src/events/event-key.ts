import { createHash } from 'node:crypto';
import type { EventIdentity } from './cloud-event';

/**
 * An event's key: a hash of its identity (`source` + `id`). Length-prefixed so that no two
 * different (source, id) pairs hash the same input; hex, so BullMQ accepts it in job ids.
 */
export function eventKey(identity: EventIdentity): string {
  return createHash('sha256')
    .update(`${identity.source.length}:${identity.source}${identity.id}`)
    .digest('hex')
    .slice(0, 40);
}
