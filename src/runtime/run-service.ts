import type { Config, RelayConfig } from '../config';
import type { Logger } from '../logging';
import { createKeySpace, createRedisConnection, waitForReady } from '../queues';
import { createReadinessCheck } from './readiness';
import { redisDurabilityWarnings } from './redis-durability-check';
import { resolveRedis } from './resolve-redis';
import { startApi } from './start-api';
import { startWorkers } from './start-workers';

/** How long start-up waits for Redis before serving anyway (answering 503 until it is back). */
const STARTUP_WAIT_MS = 3_000;

export interface RunningService {
  /** The API's port, when this process runs the API. */
  readonly port: number | undefined;
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
    configuredUrl: config.REDIS_URL,
    embeddedDir: config.EMBEDDED_REDIS_DIR,
    logger,
  });
  const keys = createKeySpace(config.KEY_PREFIX);
  let draining = false;
  const workers =
    config.ROLE === 'api' ? undefined : startWorkers({ config, relay, redisUrl: redis.url, keys, logger });
  const health = createRedisConnection(redis.url, 'command');
  health.on('error', () => undefined);
  const readiness = createReadinessCheck({ redis: health, workers: workers?.workers ?? [] });
  const [reachable, api] = await Promise.all([
    waitForReady(health, STARTUP_WAIT_MS),
    config.ROLE === 'worker'
      ? undefined
      : startApi({ config, redisUrl: redis.url, keys, logger, readiness, accepting: () => !draining }),
  ]);
  if (reachable) {
    for (const warning of await redisDurabilityWarnings(health)) logger.warn(warning);
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
    async close() {
      // Ingest answers 503 from now on, while in-flight work finishes; then the listener closes.
      draining = true;
      await workers?.close();
      await api?.close();
      health.disconnect();
      await redis.embedded?.stop();
    },
  };
}
