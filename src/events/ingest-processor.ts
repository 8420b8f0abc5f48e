import type { CloudEvent } from './cloud-event';
import type { EventRecordStore } from './event-record-store';

/** The fields of an ingest job the processor needs (the queue validates the full contract). */
export interface IngestWork {
  readonly key: string;
  readonly receivedAt: string;
  readonly via: string;
  readonly event: CloudEvent;
}

export interface IngestProcessorDeps {
  readonly store: EventRecordStore;
  /** The next stage: routes the stored event to its subscriptions. */
  readonly route: (record: { readonly key: string; readonly event: CloudEvent }) => Promise<unknown>;
}

/**
 * The stage behind the ingest queue: stores the event record that every later stage reads by
 * key, then routes it. Both steps are idempotent, so a retried job does no harm.
 */
export function createIngestProcessor(deps: IngestProcessorDeps): (work: IngestWork) => Promise<void> {
  return async (work) => {
    await deps.store.save({ key: work.key, event: work.event, receivedAt: work.receivedAt, via: work.via });
    await deps.route({ key: work.key, event: work.event });
  };
}
