import { z } from 'zod';
import { EVENT_KEY_FORMAT, eventKey, type CloudEvent } from '../events';
import { DEFAULT_TENANT } from '../security';

/** How the event reached ce-relay. */
export type ReceivedVia = 'binary' | 'structured' | 'batched' | 'intent';

const ingestItem = {
  /** The event's identity key (tenant, source, id): what its dedupe claim is taken under. */
  key: z.string().regex(EVENT_KEY_FORMAT),
  /** Absent in jobs queued before tenancy: the default tenant's. */
  tenant: z.string().min(1).default(DEFAULT_TENANT),
  receivedAt: z.string(),
  via: z.enum(['binary', 'structured', 'batched', 'intent']),
  event: z.looseObject({
    id: z.string(),
    source: z.string(),
    type: z.string(),
    specversion: z.literal('1.0'),
  }),
};

/** Payload of an `ingest` job, version 1: one event, deduplicated by BullMQ when it was queued. */
export const ingestJobV1Schema = z.object({ v: z.literal(1), ...ingestItem });

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

/** Every version a worker still takes. Validated again when a worker reads it. */
export const ingestJobSchema = z.discriminatedUnion('v', [ingestJobV1Schema, ingestBatchJobSchema]);

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
