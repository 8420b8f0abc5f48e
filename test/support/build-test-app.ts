import pino from 'pino';
import type { Express } from 'express';
import { createApp, type AppDeps, type ReadinessCheck } from '../../src/http';
import type { Logger } from '../../src/logging';
import { createIngestTelemetry, createMetrics, type Metrics } from '../../src/observability';
import { createEventAcceptor } from '../../src/ingress';
import { loadOpenApiDocument } from '../../src/runtime';
import type { IngestQueue } from '../../src/queues';
import {
  createApiKeyService,
  createKeyAuthenticator,
  createSenderAuthenticator,
  type ApiKeyStore,
  type SenderCredentials,
} from '../../src/security';
import { createSubscriptionService, type SubscriptionService } from '../../src/subscriptions';
import { InMemoryApiKeyStore } from './in-memory-api-key-store';
import { InMemorySubscriptionStore } from './in-memory-subscription-store';

export interface TestAppOptions {
  readonly queue: Pick<IngestQueue, 'enqueue'>;
  readonly credentials?: SenderCredentials;
  readonly maxBodyBytes?: number;
  readonly enqueueTimeoutMs?: number;
  readonly readiness?: ReadinessCheck;
  readonly allowedOrigins?: readonly string[];
  /** False to act as a process that is shutting down. */
  readonly accepting?: () => boolean;
  /** The management API's service; an in-memory one by default. */
  readonly subscriptions?: SubscriptionService;
  /** Delivery records, event records and replays; tests that use them pass real ones. */
  readonly deliveries?: Pick<AppDeps['management'], 'deliveries' | 'events' | 'replay' | 'blocked'>;
  /** The management key; `TEST_ADMIN_KEY` by default, `null` for a deployment without one. */
  readonly adminKey?: string | null;
  /** Stored API keys; an empty in-memory store by default. */
  readonly apiKeys?: ApiKeyStore;
  /** The metrics ingest counts into and `/metrics` serves; a fresh registry by default. */
  readonly metrics?: Metrics;
  readonly metricsToken?: string;
  /** Where log lines go; none by default. */
  readonly logger?: Logger;
}

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';

/** A dependency this test does not use: any call fails the request loudly. */
function notWired<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: () => () => Promise.reject(new Error(`${name} is not wired in this test app`)),
  });
}

/** The real app with test-sized settings and a silent logger. */
export function buildTestApp(options: TestAppOptions): Express {
  const apiKeys = options.apiKeys ?? new InMemoryApiKeyStore();
  const authenticator = createKeyAuthenticator({
    bootstrapKey: options.adminKey === null ? undefined : (options.adminKey ?? TEST_ADMIN_KEY),
    store: apiKeys,
    cacheMs: 0,
  });
  const metrics = options.metrics ?? createMetrics();
  const logger = options.logger ?? pino({ level: 'silent' });
  return createApp({
    logger,
    metrics: { contentType: metrics.registry.contentType, render: () => metrics.registry.metrics() },
    metricsToken: options.metricsToken,
    readiness: options.readiness ?? (async () => ({ ready: true, checks: {} })),
    retryAfterSeconds: 5,
    openapi: loadOpenApiDocument(),
    management: {
      authenticator,
      keys: createApiKeyService({ store: apiKeys }),
      subscriptions:
        options.subscriptions ??
        createSubscriptionService({ store: new InMemorySubscriptionStore(), secretOverlapSeconds: 86_400 }),
      ...(options.deliveries ?? {
        deliveries: notWired('deliveries'),
        events: notWired('events'),
        replay: notWired('replay'),
        blocked: notWired('blocked'),
      }),
    },
    events: {
      accept: createEventAcceptor({
        queue: options.queue,
        enqueueTimeoutMs: options.enqueueTimeoutMs ?? 1000,
        retryAfterSeconds: 5,
      }),
      authenticator: createSenderAuthenticator(
        options.credentials ?? { tokens: [], basic: [] },
        authenticator,
      ),
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      intentTimeZone: 'Europe/Paris',
      handshake: { allowedOrigins: options.allowedOrigins ?? [], allowedRate: '120' },
      accepting: options.accepting,
      observe: createIngestTelemetry(logger, metrics),
    },
  });
}
