import type { Worker } from 'bullmq';
import { createContractWorker, type WorkerOptions } from './contract-worker';
import { ingestJobSchema, type IngestJob } from './ingest-job';
import { QUEUE_NAMES } from './key-space';

export interface IngestWorkerOptions extends WorkerOptions {
  readonly process: (job: IngestJob) => Promise<void>;
}

/** A BullMQ worker on the ingest queue. */
export function createIngestWorker(options: IngestWorkerOptions): Worker {
  return createContractWorker(QUEUE_NAMES.ingest, ingestJobSchema, options, (data) => options.process(data));
}
