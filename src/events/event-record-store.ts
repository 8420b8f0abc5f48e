import type { CloudEvent } from './cloud-event';

/** What ce-relay keeps of one event: stored once, shared by all of its deliveries. */
export interface EventRecord {
  readonly key: string;
  readonly event: CloudEvent;
  readonly receivedAt: string;
  readonly via: string;
}

/** Port for the event records (`event:{key}`). */
export interface EventRecordStore {
  save(record: EventRecord): Promise<void>;
  get(key: string): Promise<EventRecord | undefined>;
}
