import { z } from 'zod';
import { eventKey, type CloudEvent } from '../events';
import { DEFAULT_TENANT } from '../security';

/** How the event reached ce-relay. */
export type ReceivedVia = 'binary' | 'structured' | 'batched' | 'intent';

/** Payload of an `ingest` job, version 1. Validated again when a worker reads it. */
export const ingestJobSchema = z.object({
  v: z.literal(1),
  key: z.string().regex(/^[0-9a-f]{40}$/),
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
});

export interface IngestJob {
  readonly v: 1;
  readonly key: string;
  readonly tenant: string;
  readonly receivedAt: string;
  readonly via: ReceivedVia;
  readonly event: CloudEvent;
}

export function makeIngestJob(
  event: CloudEvent,
  via: ReceivedVia,
  tenant: string,
  receivedAt: Date,
): IngestJob {
  return { v: 1, key: eventKey(event, tenant), tenant, receivedAt: receivedAt.toISOString(), via, event };
}
