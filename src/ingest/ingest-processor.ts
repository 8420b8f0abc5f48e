import type { CloudEvent, EnrichmentFailure, EventRecordStore } from '../events';
import { eventAttributes, eventTrace, inSpan, producerContext, SpanKind } from '../tracing';

/** The fields of an ingest job the processor needs (the queue validates the full contract). */
export interface IngestWork {
  readonly key: string;
  readonly tenant: string;
  readonly receivedAt: string;
  readonly via: string;
  readonly event: CloudEvent;
}

export interface IngestProcessorDeps {
  readonly store: EventRecordStore;
  /** Resolves what the event points to; absent when no upstream is configured. */
  readonly enrich?: (
    event: CloudEvent,
  ) => Promise<{ event: CloudEvent; failures: readonly EnrichmentFailure[] }>;
  /** Told when an event goes on without some of its resources. */
  readonly onPartial?: (key: string, failures: readonly EnrichmentFailure[]) => void;
  /** The next stage: routes the stored event to its subscriptions. */
  readonly route: (record: {
    readonly key: string;
    readonly tenant: string;
    readonly event: CloudEvent;
    readonly receivedAt: string;
  }) => Promise<unknown>;
}

/**
 * The stage behind the ingest queue: enriches the event, stores the record (the event as it
 * arrived and enriched) that every later stage reads by key, then routes the enriched event.
 * Each step is idempotent, so a retried job does no harm. Traced under the producer's span.
 */
export function createIngestProcessor(deps: IngestProcessorDeps): (work: IngestWork) => Promise<void> {
  return (work) =>
    inSpan(
      'ce-relay ingest',
      {
        kind: SpanKind.CONSUMER,
        parent: producerContext(eventTrace(work.event)),
        attributes: {
          ...eventAttributes(work.event),
          'cerelay.event_key': work.key,
          'cerelay.tenant': work.tenant,
        },
      },
      async () => {
        const enrichment = deps.enrich ? await deps.enrich(work.event) : undefined;
        const enriched = enrichment && enrichment.event !== work.event ? enrichment.event : undefined;
        const failures = enrichment?.failures ?? [];
        if (failures.length > 0) deps.onPartial?.(work.key, failures);
        await deps.store.save({
          key: work.key,
          tenant: work.tenant,
          event: work.event,
          ...(enriched ? { enriched } : {}),
          ...(failures.length > 0 ? { enrichmentFailures: failures } : {}),
          receivedAt: work.receivedAt,
          via: work.via,
        });
        await inSpan('ce-relay route', {}, () =>
          deps.route({
            key: work.key,
            tenant: work.tenant,
            event: enriched ?? work.event,
            receivedAt: work.receivedAt,
          }),
        );
      },
    );
}
