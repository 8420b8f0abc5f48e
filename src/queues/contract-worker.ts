import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { RedisClient } from './redis-connection';
import type { z } from 'zod';

export interface WorkerOptions {
  readonly connection: RedisClient;
  readonly prefix: string;
  readonly concurrency: number;
  readonly onError?: (error: Error) => void;
  readonly onFailed?: (jobId: string | undefined, error: Error) => void;
  /** Start fetching jobs at once (default), or only on `worker.run()`. */
  readonly autorun?: boolean;
  /** How long a job stays locked to this worker without renewal; a dead worker's jobs return after it. */
  readonly lockMs?: number;
}

/**
 * A BullMQ worker whose jobs are checked against their versioned contract first: a job that
 * breaks it fails at once (no retries), anything else reaches `handle` typed.
 */
export function createContractWorker<S extends z.ZodType>(
  queueName: string,
  schema: S,
  options: WorkerOptions,
  handle: (data: z.output<S>, job: Job, token: string | undefined) => Promise<void>,
): Worker {
  const worker = new Worker(
    queueName,
    async (job, token) => {
      const parsed = schema.safeParse(job.data);
      if (!parsed.success) {
        throw new UnrecoverableError(
          `${queueName} job ${job.id} breaks its contract: ${parsed.error.message}`,
        );
      }
      await handle(parsed.data, job, token);
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      autorun: options.autorun ?? true,
      ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
      // A job whose lock lapsed (its worker died, or Redis went away for longer than the lock)
      // goes back to wait; BullMQ's default of 1 would fail it on the second lapse, and a failed
      // ingest job is an acknowledged event that nobody routes.
      maxStalledCount: 100,
    },
  );
  worker.on('error', (error) => options.onError?.(error));
  worker.on('failed', (job, error) => options.onFailed?.(job?.id, error));
  return worker;
}
