import { z } from 'zod';
import { EVENT_KEY_FORMAT, eventKey, type CloudEvent } from '../events';

/** How the event reached ce-relay. */
export type ReceivedVia = 'binary' | 'structured' | 'batched' | 'intent';

const ingestItem = {
  /** The event's identity key (tenant, source, id): what its dedupe claim is taken under. */
  key: z.string().regex(EVENT_KEY_FORMAT),
  tenant: z.string().min(1),
  receivedAt: z.string(),
  via: z.enum(['binary', 'structured', 'batched', 'intent']),
  event: z.looseObject({
    id: z.string(),
    source: z.string(),
    type: z.string(),
    specversion: z.literal('1.0'),
  }),
};

/**
 * Version 2: the events of one flush of concurrent requests. Deduplication is by claim (see
 * `EventClaims`): the job processes only the events it owns.
 */
export const ingestBatchJobSchema = z.object({
  v: z.literal(2),
  // Each item is checked on its own (`ingestItemSchema`): one bad item never fails the others.
  items: z.array(z.unknown()).min(1),
});

/** One event of a version 2 job. */
export const ingestItemSchema = z.object(ingestItem);

/** An ingest job as a worker reads it: validated again, item by item. */
export const ingestJobSchema = ingestBatchJobSchema;

/** One event as queued for ingest. */
export interface IngestItem {
  readonly key: string;
  readonly tenant: string;
  readonly receivedAt: string;
  readonly via: ReceivedVia;
  readonly event: CloudEvent;
}

export interface IngestBatchJob {
  readonly v: 2;
  readonly items: readonly IngestItem[];
}

export function makeIngestItem(
  event: CloudEvent,
  via: ReceivedVia,
  tenant: string,
  receivedAt: Date,
): IngestItem {
  return { key: eventKey(event, tenant), tenant, receivedAt: receivedAt.toISOString(), via, event };
}
