import type { Worker } from 'bullmq';
import { occurrenceKey } from '../events';
import { createConcurrencyLimit } from './concurrency-limit';
import { createContractWorker, type WorkerOptions } from './contract-worker';
import type { EventClaims } from './event-claims';
import { ingestJobSchema, type IngestItem } from './ingest-job';
import { QUEUE_NAMES } from './key-space';

export interface IngestWorkerOptions extends WorkerOptions {
  readonly claims: EventClaims;
  /** Stores and routes one event under its occurrence key; idempotent, as a failed job runs again. */
  readonly process: (item: IngestItem) => Promise<void>;
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
    if (data.v === 1) return limit(() => options.process(data));
    const owners = await options.claims.claim(
      job.id!,
      data.items.map((item) => item.key),
    );
    const owned = data.items
      .filter((_, i) => owners[i] === job.id)
      .map((item) => ({ ...item, key: occurrenceKey(item.key, job.id!) }));
    const results = await Promise.allSettled(owned.map((item) => limit(() => options.process(item))));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
}
