import type { Config } from '../config';
import { createIngestProcessor, createRedisEventRecordStore } from '../events';
import { throttledWarn, type Logger } from '../logging';
import {
  createBullmqDeliveryQueue,
  createIngestWorker,
  createRedisConnection,
  type KeySpace,
} from '../queues';
import { createEventRouter, createSubscriptionCache } from '../routing';
import { createRedisSubscriptionStore } from '../subscriptions';

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

/**
 * Starts the pipeline workers: the ingest worker stores each event record and routes it to the
 * matching subscriptions (one delivery job each), from a subscription index kept in memory.
 */
export function startWorkers(deps: StartWorkersDeps): RunningWorkers {
  const { config, keys, logger } = deps;
  const onError = throttledWarn(logger, 'worker Redis error (workers resume when it is back)');
  const connect = () => createRedisConnection(deps.redisUrl, 'worker').on('error', onError);
  const [workerConnection, commands, subscriber] = [connect(), connect(), connect()];

  const subscriptions = createSubscriptionCache({
    store: createRedisSubscriptionStore(commands, keys.subscriptions),
    subscriber,
    channel: keys.subscriptions.changes,
    pollMs: config.SUBSCRIPTION_POLL_MS,
    onError,
  });
  const deliveries = createBullmqDeliveryQueue({ connection: commands, prefix: keys.bullPrefix, onError });
  const store = createRedisEventRecordStore({
    redis: commands,
    recordKey: keys.eventRecord,
    retentionSeconds: config.EVENT_RETENTION_SECONDS,
  });
  const ingest = createIngestWorker({
    connection: workerConnection,
    prefix: keys.bullPrefix,
    concurrency: config.INGEST_CONCURRENCY,
    process: createIngestProcessor({
      store,
      route: createEventRouter({ index: subscriptions.index, deliveries }),
    }),
    onError,
    onFailed: (jobId, error) => logger.error({ jobId, err: error }, 'ingest job failed'),
    autorun: false,
  });
  // Routing needs the subscriptions: the worker takes jobs only once they are loaded.
  let closed = false;
  const startWhenLoaded = async () => {
    while (!closed) {
      try {
        await subscriptions.start();
        break;
      } catch (error) {
        onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    if (closed) return;
    logger.info(
      { concurrency: config.INGEST_CONCURRENCY, subscriptions: subscriptions.index.size },
      'ingest worker started',
    );
    await ingest.run();
  };
  startWhenLoaded().catch((error: unknown) => logger.error({ err: error }, 'ingest worker stopped'));
  return {
    workers: [{ name: 'ingest', isRunning: () => ingest.isRunning() }],
    async close() {
      closed = true;
      // With Redis down no job can finish: do not wait for one.
      await ingest.close(workerConnection.status !== 'ready');
      await subscriptions.close();
      await deliveries.close();
      for (const connection of [workerConnection, commands, subscriber]) connection.disconnect();
    },
  };
}
