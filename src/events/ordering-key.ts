import type { CloudEvent } from './cloud-event';
import { shortHash } from './event-key';

/**
 * The key that orders an event's deliveries to a subscription with `delivery.ordering: "key"`:
 * its `partitionkey` extension (CloudEvents partitioning) when present, otherwise its `source`
 * (AO: one order; intent: one intervention), within its tenant. A hash, like event keys: it names
 * Redis keys. The two kinds are told apart, so a partition key equal to some source is another key.
 */
export function orderingKey(event: CloudEvent, tenant: string): string {
  const partition = event.partitionkey;
  if (partition === undefined || partition === null)
    return shortHash(`${tenant.length}:${tenant}s${event.source}`);
  // A String by the partitioning extension; a number or boolean keys as its canonical string, the
  // form the binary mode carries it in, so the same event keys the same in either mode.
  const value =
    typeof partition === 'string' || typeof partition === 'number' || typeof partition === 'boolean'
      ? String(partition)
      : JSON.stringify(partition);
  return shortHash(`${tenant.length}:${tenant}p${value}`);
}
