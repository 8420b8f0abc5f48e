import type { Config } from '../config';
import type { Logger } from '../logging';
import { createKeySpace, createRedisConnection } from '../queues';
import { createReadinessCheck } from './readiness';
import { resolveRedis } from './resolve-redis';
import { startApi } from './start-api';
import { startWorkers } from './start-workers';

export interface RunningService {
  /** Graceful stop: intake first, then in-flight work, then connections and an embedded Redis. */
  close(): Promise<void>;
}

/** Starts what `ROLE` asks for (API, workers, or both) against the resolved Redis. */
export async function runService(config: Config, logger: Logger): Promise<RunningService> {
  const redis = await resolveRedis(config.REDIS_URL, config.EMBEDDED_REDIS_DIR, logger);
  const keys = createKeySpace(config.KEY_PREFIX);
  const workers = config.ROLE === 'api' ? undefined : startWorkers({ config, redisUrl: redis.url, keys, logger });
  const health = createRedisConnection(redis.url, 'command');
  health.on('error', () => undefined);
  const readiness = createReadinessCheck({ redis: health, workers: workers?.workers ?? [] });
  const api = config.ROLE === 'worker' ? undefined : await startApi({ config, redisUrl: redis.url, keys, logger, readiness });
  return {
    async close() {
      await api?.close();
      await workers?.close();
      health.disconnect();
      await redis.embedded?.stop();
    },
  };
}
