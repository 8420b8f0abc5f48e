import type { EventRecord } from '../events';
import type { DeliveryRecord } from './delivery-record';
import type { LineEntry } from './delivery-scheduler';

export interface ParkedRecord {
  readonly record: DeliveryRecord;
  readonly stored: EventRecord;
}

export interface ParkedRecords {
  /** Remembers what a delivery that took its place in line was read as. */
  park(entry: LineEntry, parked: ParkedRecord): void;
  /** What the delivery was read as when it took its place in line, if this process put it there lately. */
  take(entry: LineEntry): ParkedRecord | undefined;
}

const name = (entry: LineEntry) => `${entry.subscriptionId}|${entry.eventKey}|${entry.round}`;

/**
 * The records of deliveries this process put in a line, for when one is handed a slot here: its
 * attempt starts at once, without reading them again while it holds the slot. A delivery in line is
 * attempted by no one, so its record does not change meanwhile. Bounded in number and age.
 */
export function createParkedRecords(
  options: { readonly maxEntries: number; readonly ttlMs: number },
  now: () => number = Date.now,
): ParkedRecords {
  const parked = new Map<string, ParkedRecord & { readonly until: number }>();
  return {
    park(entry, record) {
      parked.set(name(entry), { ...record, until: now() + options.ttlMs });
      if (parked.size > options.maxEntries) parked.delete(parked.keys().next().value!);
    },
    take(entry) {
      const key = name(entry);
      const found = parked.get(key);
      parked.delete(key);
      return found && found.until > now() ? found : undefined;
    },
  };
}
