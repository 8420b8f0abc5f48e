import type { Config } from '../config';
import { createIngestProcessor, createRedisEventRecordStore } from '../events';
import { throttledWarn, type Logger } from '../logging';
import { createIngestWorker, createRedisConnection, type KeySpace } from '../queues';

export interface RunningWorkers {
  readonly workers: readonly { readonly name: string; isRunning(): boolean }[];
  /** Stops fetching jobs and waits for the active ones to finish. */
  close(): Promise<void>;
}

export interface StartWorkersDeps {
  readonly config: Config;
  readonly redisUrl: string;
  readonly keys: KeySpace;
  readonly logger: Logger;
}

/** Starts the pipeline workers (for now: the ingest worker, which stores event records). */
export function startWorkers(deps: StartWorkersDeps): RunningWorkers {
  const { config, keys, logger } = deps;
  const workerConnection = createRedisConnection(deps.redisUrl, 'worker');
  const commands = createRedisConnection(deps.redisUrl, 'worker');
  const onError = throttledWarn(logger, 'worker Redis error (workers resume when it is back)');
  workerConnection.on('error', onError);
  commands.on('error', onError);
  const store = createRedisEventRecordStore({
    redis: commands,
    recordKey: keys.eventRecord,
    retentionSeconds: config.EVENT_RETENTION_SECONDS,
  });
  const ingest = createIngestWorker({
    connection: workerConnection,
    prefix: keys.bullPrefix,
    concurrency: config.INGEST_CONCURRENCY,
    process: createIngestProcessor({ store }),
    onError,
    onFailed: (jobId, error) => logger.error({ jobId, err: error }, 'ingest job failed'),
  });
  logger.info({ concurrency: config.INGEST_CONCURRENCY }, 'ingest worker started');
  return {
    workers: [{ name: 'ingest', isRunning: () => ingest.isRunning() }],
    async close() {
      // With Redis down no job can finish: do not wait for one.
      await ingest.close(workerConnection.status !== 'ready');
      workerConnection.disconnect();
      commands.disconnect();
    },
  };
}
