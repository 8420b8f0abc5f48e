import type { CloudEvent } from './cloud-event';

/** A reference enrichment could not resolve, and why. */
export interface EnrichmentFailure {
  readonly reference: string;
  readonly reason: string;
}

/** What ce-relay keeps of one event: stored once, shared by all of its deliveries. */
export interface EventRecord {
  readonly key: string;
  /** The tenant of the sender that posted it. */
  readonly tenant: string;
  /** The event as it arrived. */
  readonly event: CloudEvent;
  /** The event with the resources it points to, when an upstream applied. */
  readonly enriched?: CloudEvent;
  /** What enrichment could not resolve (the enriched event then says `enrichment: "partial"`). */
  readonly enrichmentFailures?: readonly EnrichmentFailure[];
  readonly receivedAt: string;
  readonly via: string;
}

/** Port for the event records (`event:{key}`). */
export interface EventRecordStore {
  save(record: EventRecord): Promise<void>;
  get(key: string): Promise<EventRecord | undefined>;
}
