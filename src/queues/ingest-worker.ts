import type { Worker } from 'bullmq';
import { occurrenceKey } from '../events';
import { createConcurrencyLimit } from './concurrency-limit';
import { createContractWorker, type WorkerOptions } from './contract-worker';
import { claimItem, type EventClaims } from './event-claims';
import { ingestItemSchema, ingestJobSchema, type IngestItem } from './ingest-job';
import { describeItem, type IngestSetAside } from './ingest-set-aside';
import { QUEUE_NAMES } from './key-space';

export interface IngestWorkerOptions extends WorkerOptions {
  readonly claims: EventClaims;
  /** Why an event may not go on (the ingress's own validation), or undefined. */
  readonly check?: (event: unknown) => string | undefined;
  /** Where items that break the contract go, recorded, while the rest of their job goes on. */
  readonly setAside: IngestSetAside;
  /** Stores and routes one event under its occurrence key; idempotent, as a failed job runs again. */
  readonly process: (item: IngestItem) => Promise<void>;
}

/**
 * The items of a job that keep to the contract; each other one is set aside, recorded with its
 * reason, so that one bad item (from a bug, or another version) never holds up the rest.
 */
async function takeItems(
  jobId: string,
  raw: readonly unknown[],
  options: Pick<IngestWorkerOptions, 'check' | 'setAside'>,
): Promise<IngestItem[]> {
  const items: IngestItem[] = [];
  const refused: Promise<void>[] = [];
  raw.forEach((candidate, index) => {
    const parsed = ingestItemSchema.safeParse(candidate);
    const reason = parsed.success ? options.check?.(parsed.data.event) : parsed.error.message;
    if (parsed.success && reason === undefined) items.push(parsed.data);
    else {
      const entry = {
        jobId,
        index,
        reason: reason!,
        at: new Date().toISOString(),
        item: describeItem(candidate),
      };
      refused.push(options.setAside.record(entry, candidate));
    }
  });
  await Promise.all(refused);
  return items;
}

/**
 * A BullMQ worker on the ingest queue. A job's events are processed in parallel, at most
 * `concurrency` events at once across all jobs, and only those the job owns (a repeat of an
 * event that another job claimed first is skipped). A job fails, to run again, if any of its
 * events failed; the events are then processed again, which does no harm.
 */
export function createIngestWorker(options: IngestWorkerOptions): Worker {
  const limit = createConcurrencyLimit(options.concurrency);
  return createContractWorker(QUEUE_NAMES.ingest, ingestJobSchema, options, async (data, job) => {
    const items = await takeItems(job.id!, data.items, options);
    const owners = await options.claims.claim(job.id!, items.map(claimItem));
    const owned = items
      .filter((_, i) => owners[i] === job.id)
      .map((item) => ({ ...item, key: occurrenceKey(item.key, job.id!) }));
    const results = await Promise.allSettled(owned.map((item) => limit(() => options.process(item))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
}
