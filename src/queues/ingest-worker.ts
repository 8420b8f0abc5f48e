import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { ingestJobSchema, type IngestJob } from './ingest-job';
import { QUEUE_NAMES } from './key-space';

export interface IngestWorkerOptions {
  readonly connection: Redis;
  readonly prefix: string;
  readonly concurrency: number;
  readonly process: (job: IngestJob) => Promise<void>;
  readonly onError?: (error: Error) => void;
  readonly onFailed?: (jobId: string | undefined, error: Error) => void;
  /** Start fetching jobs at once (default), or only on `worker.run()`. */
  readonly autorun?: boolean;
}

/** A BullMQ worker on the ingest queue; checks each job against the v1 contract first. */
export function createIngestWorker(options: IngestWorkerOptions): Worker {
  const worker = new Worker(
    QUEUE_NAMES.ingest,
    async (job) => {
      const parsed = ingestJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`ingest job ${job.id} breaks the v1 contract: ${parsed.error.message}`);
      await options.process(parsed.data);
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      autorun: options.autorun ?? true,
    },
  );
  worker.on('error', (error) => options.onError?.(error));
  worker.on('failed', (job, error) => options.onFailed?.(job?.id, error));
  return worker;
}
