import type { Config, RelayConfig } from '../config';
import type { Logger } from '../logging';
import type { Subscription } from '../subscriptions';
import { createRedisConnection, createShards, waitForReady } from '../queues';
import { createDataMarker, dataMarkerKeys, dataMarkers, type DataMarker } from './data-marker';
import { createReadinessCheck } from './readiness';
import { redisDurabilityWarnings } from './redis-durability-check';
import { configuredRedis, resolveRedis } from './resolve-redis';
import { createProcessMetrics } from './process-metrics';
import { startApi } from './start-api';
import { startOpsListener } from './start-ops-listener';
import { startWorkers } from './start-workers';

/** How long start-up waits for Redis before serving anyway (answering 503 until it is back). */
const STARTUP_WAIT_MS = 3_000;

export interface RunningService {
  /** The API's port, when this process runs the API. */
  readonly port: number | undefined;
  /** The port of a worker-only process's `/metrics`, `/healthz` and `/readyz`. */
  readonly opsPort: number | undefined;
  /** The subscription as this process's workers route with it now; undefined without workers. */
  workerSubscription(id: string): Subscription | undefined;
  /** Graceful stop: intake first, then in-flight work, then connections and an embedded Redis. */
  close(): Promise<void>;
}

/** Starts what `ROLE` asks for (API, workers, or both) against the resolved Redis. */
export async function runService(
  config: Config,
  logger: Logger,
  relay: RelayConfig = { upstreams: [] },
): Promise<RunningService> {
  const redis = await resolveRedis({
    configured: configuredRedis(config),
    embeddedDir: config.EMBEDDED_REDIS_DIR,
    logger,
  });
  const shards = createShards(config.KEY_PREFIX, config.REDIS_SHARDS);
  let draining = false;
  const health = createRedisConnection(redis.target, 'command');
  health.on('error', () => undefined);
  const processMetrics = createProcessMetrics(config, health, shards, logger);
  const { metrics, source } = processMetrics;
  const workers =
    config.ROLE === 'api'
      ? undefined
      : startWorkers({ config, relay, redis: redis.target, shards, logger, metrics });
  if (workers) processMetrics.countBacklogsOf(() => workers.subscriptionIds());
  const guard = watchForDataLoss(
    dataMarkers(dataMarkerKeys(shards).map((key) => createDataMarker(health, key))),
    logger,
  );
  const readiness = createReadinessCheck({
    redis: health,
    workers: workers?.workers ?? [],
    accepting: () => !draining,
    dataLost: async () => {
      await guard.look();
      return guard.reason();
    },
  });
  const [reachable, api] = await Promise.all([
    waitForReady(health, STARTUP_WAIT_MS),
    config.ROLE === 'worker'
      ? undefined
      : startApi({
          config,
          redis: redis.target,
          shards,
          logger,
          readiness,
          accepting: () => !draining,
          metrics,
          metricsSource: source,
        }),
  ]);
  const ops =
    config.ROLE === 'worker'
      ? await startOpsListener({ config, logger, readiness, metrics: source })
      : undefined;
  if (reachable) {
    for (const warning of await redisDurabilityWarnings(health)) logger.warn(warning);
    await guard.start();
  }
  if (!reachable) {
    logger.warn(
      { waitedMs: STARTUP_WAIT_MS },
      'Redis is not reachable yet: ingest and /readyz answer 503 until it is',
    );
  }
  const address = api?.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : undefined,
    opsPort: ops?.port,
    workerSubscription: (id) => workers?.subscription(id),
    async close() {
      // Ingest answers 503 from now on, while in-flight work finishes; then the listener closes.
      draining = true;
      guard.stop();
      await workers?.close();
      await api?.close();
      await ops?.close();
      await processMetrics.close();
      health.disconnect();
      await redis.embedded?.stop();
    },
  };
}

/** How often a process looks at the data marker (and says so loudly when it is gone). */
const DATA_CHECK_MS = 5_000;

/**
 * Looks at the data marker now and then: while Redis holds ce-relay's data, all is well; once it
 * lost it, the process logs an error (again every minute) and is not ready until an operator
 * acknowledges the loss (`ce-relay redis acknowledge-loss`).
 */
function watchForDataLoss(marker: DataMarker, logger: Logger) {
  let reason: string | undefined;
  let lastLogged = 0;
  const look = async () => {
    try {
      const found = await marker.check();
      if (found && (!reason || Date.now() - lastLogged >= 60_000)) {
        lastLogged = Date.now();
        logger.error(
          { acknowledge: 'npx ce-relay redis acknowledge-loss' },
          `${found}; not ready until an operator acknowledges it`,
        );
      } else if (!found && reason) logger.warn('the data loss was acknowledged: ready again');
      reason = found;
    } catch {
      // Redis is unreachable: the readiness check's PING says so.
    }
  };
  const timer = setInterval(() => void look(), DATA_CHECK_MS);
  timer.unref();
  return {
    reason: () => reason,
    async start() {
      try {
        if (await marker.start()) {
          logger.warn(
            'Redis held no ce-relay data: a first start, or Redis lost its data before any running process could see it',
          );
        }
      } catch {
        // Not reachable after all: the first look starts the marker.
      }
    },
    /** Looks now (tests and readiness need not wait for the timer). */
    look,
    stop: () => clearInterval(timer),
  };
}
