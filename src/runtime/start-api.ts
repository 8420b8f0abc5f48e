import type { Server } from 'node:http';
import type { Config } from '../config';
import { createApp, type MetricsSource, type ReadinessCheck } from '../http';
import { createIngestTelemetry, createReplayTelemetry, type Metrics } from '../observability';
import { createEventAcceptor } from '../ingress';
import { throttledWarn, type Logger } from '../logging';
import {
  blockedKeysAcrossShards,
  createRedisBlockedKeys,
  createRedisDeliveryStore,
  createReplayService,
  createWebhookHandshake,
  deliveriesAcrossShards,
  replayAcrossShards,
} from '../delivery';
import { createRedisEventRecordStore, eventRecordsAcrossShards } from '../events';
import {
  createBullmqDeliveryQueue,
  createBullmqIngestQueue,
  claimKeys,
  createRedisEventClaims,
  createRedisConnection,
  createShardedIngestQueue,
  waitForReady,
  type KeySpace,
  type RedisClient,
  type RedisTarget,
  type Shards,
} from '../queues';
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
  readonly shards: Shards;
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
  const shardServices = deps.shards.keys.map((keys) =>
    shardApi(config, connection, keys, deps, onRedisError),
  );
  const queue = createShardedIngestQueue(
    shardServices.map((shard) => shard.ingest),
    (key) => deps.shards.of(key),
  );
  await waitForReady(connection, 3_000);
  const keyStore = createRedisApiKeyStore(connection, deps.shards.control.apiKeys);
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
    store: createRedisSubscriptionStore(connection, deps.shards.control.subscriptions),
    secretOverlapSeconds: config.SECRET_ROTATION_OVERLAP_SECONDS,
    handshake: createWebhookHandshake({ origin: config.WEBHOOK_REQUEST_ORIGIN, timeoutMs: 10_000, policy }),
    checkSink: (url) => policy.check(url),
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
      deliveries: deliveriesAcrossShards(shardServices.map((shard) => shard.deliveries)),
      events: eventRecordsAcrossShards(shardServices.map((shard) => shard.events)),
      replay: replayAcrossShards(shardServices),
      blocked: blockedKeysAcrossShards(shardServices.map((shard) => shard.blocked)),
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
      rateLimit: ingestRateLimit(config, connection, deps.shards.control),
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
      await Promise.all(shardServices.map((shard) => shard.deliveryQueue.close()));
      connection.disconnect();
    },
  };
}

/** One shard's ingest queue, and what the management API reads and replays there. */
function shardApi(
  config: Config,
  connection: RedisClient,
  keys: KeySpace,
  deps: StartApiDeps,
  onRedisError: (error: Error) => void,
) {
  const ingest = createBullmqIngestQueue({
    connection,
    prefix: keys.bullPrefix,
    claims: createRedisEventClaims(connection, claimKeys(keys), config.DEDUPE_WINDOW_SECONDS),
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
  const deliveries = createRedisDeliveryStore(connection, keys.deliveries, {
    delivered: config.DELIVERED_RETENTION_SECONDS,
    failed: config.FAILED_RETENTION_SECONDS,
  });
  const deliveryQueue = createBullmqDeliveryQueue({
    connection,
    prefix: keys.bullPrefix,
    onError: onRedisError,
  });
  return {
    ingest,
    deliveries,
    deliveryQueue,
    replay: createReplayService({
      deliveries,
      queue: deliveryQueue,
      bulkSpacingMs: config.REPLAY_SPACING_MS,
      onReplayed: createReplayTelemetry(deps.logger, deps.metrics),
    }),
    events: createRedisEventRecordStore({
      redis: connection,
      recordKey: keys.eventRecord,
      retentionSeconds: config.EVENT_RETENTION_SECONDS,
    }),
    blocked: createRedisBlockedKeys(connection, keys.scheduler),
  };
}

/** Per-sender ingest limit from `INGEST_RATE_LIMIT`, shared by every API process through Redis. */
function ingestRateLimit(config: Config, redis: RedisClient, keys: KeySpace) {
  const limit = config.INGEST_RATE_LIMIT;
  if (!limit) return undefined;
  const window = createRedisSlidingWindow(redis);
  return (sender: string) => window.reserve(keys.ingestRate(sender), limit.requests, limit.perSeconds * 1000);
}
