import type { Server } from 'node:http';
import type { Config } from '../config';
import { createApp, type MetricsSource, type ReadinessCheck } from '../http';
import { createIngestTelemetry, createReplayTelemetry, type Metrics } from '../observability';
import { createEventAcceptor } from '../ingress';
import { throttledWarn, type Logger } from '../logging';
import {
  createRedisBlockedKeys,
  createRedisDeliveryStore,
  createReplayService,
  createWebhookHandshake,
} from '../delivery';
import { createRedisEventRecordStore } from '../events';
import {
  createBullmqDeliveryQueue,
  createBullmqIngestQueue,
  claimKeys,
  createRedisEventClaims,
  createRedisConnection,
  waitForReady,
  type KeySpace,
  type RedisTarget,
} from '../queues';
import type { Redis } from 'ioredis';
import {
  createAddressPolicy,
  createApiKeyService,
  createKeyAuthenticator,
  createRedisApiKeyStore,
  createRedisSlidingWindow,
  createSenderAuthenticator,
} from '../security';
import { createRedisSubscriptionStore, createSubscriptionService } from '../subscriptions';
import { loadOpenApiDocument } from './load-openapi';

export interface RunningApi {
  readonly server: Server;
  /** Stops taking connections, then closes the queue connection. */
  close(): Promise<void>;
}

export interface StartApiDeps {
  readonly config: Config;
  readonly redis: RedisTarget;
  readonly keys: KeySpace;
  readonly logger: Logger;
  readonly readiness: ReadinessCheck;
  /** False once shutdown began. */
  readonly accepting: () => boolean;
  readonly metrics: Metrics;
  /** Served at `GET /metrics`. */
  readonly metricsSource: MetricsSource;
}

/** Builds the ingest queue and the HTTP app, and listens on HOST:PORT. */
export async function startApi(deps: StartApiDeps): Promise<RunningApi> {
  const { config, logger } = deps;
  const connection = createRedisConnection(deps.redis, 'producer', config.ENQUEUE_TIMEOUT_MS);
  const onRedisError = throttledWarn(logger, 'Redis connection error (ingest answers 503 until it is back)');
  connection.on('error', onRedisError);
  const queue = createBullmqIngestQueue({
    connection,
    prefix: deps.keys.bullPrefix,
    claims: createRedisEventClaims(connection, claimKeys(deps.keys), config.DEDUPE_WINDOW_SECONDS),
    ...(config.INGEST_REPLICA_ACKS > 0
      ? {
          replicaAcks: {
            replicas: config.INGEST_REPLICA_ACKS,
            timeoutMs: config.INGEST_REPLICA_ACK_TIMEOUT_MS,
          },
        }
      : {}),
    onError: onRedisError,
  });
  await waitForReady(connection, 3_000);
  const keyStore = createRedisApiKeyStore(connection, deps.keys.apiKeys);
  const keyAuthenticator = createKeyAuthenticator({
    bootstrapKey: config.ADMIN_API_KEY,
    store: keyStore,
    cacheMs: config.API_KEY_CACHE_MS,
  });
  const authenticator = createSenderAuthenticator(
    {
      tokens: config.INGEST_TOKENS,
      basic: config.INGEST_BASIC_CREDENTIALS,
      requireCredentials: config.INGEST_REQUIRE_AUTH,
    },
    keyAuthenticator,
  );
  if (authenticator.open) {
    logger.warn(
      'INGEST_TOKENS, INGEST_BASIC_CREDENTIALS and INGEST_REQUIRE_AUTH are not set: POST /events accepts events from ANYONE (as the default tenant)',
    );
  }
  const policy = createAddressPolicy(config.ALLOW_SINK_CIDRS);
  const subscriptions = createSubscriptionService({
    store: createRedisSubscriptionStore(connection, deps.keys.subscriptions),
    secretOverlapSeconds: config.SECRET_ROTATION_OVERLAP_SECONDS,
    handshake: createWebhookHandshake({ origin: config.WEBHOOK_REQUEST_ORIGIN, timeoutMs: 10_000, policy }),
    checkSink: (url) => policy.check(url),
  });
  const deliveries = createRedisDeliveryStore(connection, deps.keys.deliveries, {
    delivered: config.DELIVERED_RETENTION_SECONDS,
    failed: config.FAILED_RETENTION_SECONDS,
  });
  const deliveryQueue = createBullmqDeliveryQueue({
    connection,
    prefix: deps.keys.bullPrefix,
    onError: onRedisError,
  });
  const replay = createReplayService({
    deliveries,
    queue: deliveryQueue,
    bulkSpacingMs: config.REPLAY_SPACING_MS,
    onReplayed: createReplayTelemetry(logger, deps.metrics),
  });
  const events = createRedisEventRecordStore({
    redis: connection,
    recordKey: deps.keys.eventRecord,
    retentionSeconds: config.EVENT_RETENTION_SECONDS,
  });
  const app = createApp({
    logger,
    readiness: deps.readiness,
    retryAfterSeconds: config.RETRY_AFTER_SECONDS,
    openapi: loadOpenApiDocument(),
    metrics: deps.metricsSource,
    metricsToken: config.METRICS_TOKEN,
    management: {
      authenticator: keyAuthenticator,
      keys: createApiKeyService({ store: keyStore }),
      subscriptions,
      deliveries,
      events,
      replay,
      blocked: createRedisBlockedKeys(connection, deps.keys.scheduler),
    },
    events: {
      accept: createEventAcceptor({
        queue,
        enqueueTimeoutMs: config.ENQUEUE_TIMEOUT_MS,
        retryAfterSeconds: config.RETRY_AFTER_SECONDS,
      }),
      authenticator,
      maxBodyBytes: config.MAX_BODY_BYTES,
      intentTimeZone: config.INTENT_TIME_ZONE,
      handshake: { allowedOrigins: config.WEBHOOK_ALLOWED_ORIGINS, allowedRate: config.WEBHOOK_ALLOWED_RATE },
      accepting: deps.accepting,
      rateLimit: ingestRateLimit(config, connection, deps.keys),
      retryAfterSeconds: config.RETRY_AFTER_SECONDS,
      observe: createIngestTelemetry(logger, deps.metrics),
    },
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.PORT, config.HOST, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const address = server.address();
  logger.info(
    { address },
    `ce-relay API listening on ${config.HOST}:${typeof address === 'object' && address ? address.port : config.PORT}`,
  );
  return {
    server,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await deliveryQueue.close();
      connection.disconnect();
    },
  };
}

/** Per-sender ingest limit from `INGEST_RATE_LIMIT`, shared by every API process through Redis. */
function ingestRateLimit(config: Config, redis: Redis, keys: KeySpace) {
  const limit = config.INGEST_RATE_LIMIT;
  if (!limit) return undefined;
  const window = createRedisSlidingWindow(redis);
  return (sender: string) => window.reserve(keys.ingestRate(sender), limit.requests, limit.perSeconds * 1000);
}
