import express, { type Express } from 'express';
import type { BlockedKeys, DeliveryReads, ReplayService } from '../delivery';
import type { EventRecordStore } from '../events';
import type { Logger } from '../logging';
import type { ApiKeyService, KeyAuthenticator } from '../security';
import type { SubscriptionService } from '../subscriptions';
import { createDeliveriesRouter } from './deliveries-router';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { createEventsRouter, type EventsRouterDeps } from './events-router';
import { createHealthRouter, type ReadinessCheck } from './health-router';
import { createKeysRouter } from './keys-router';
import { createMetricsRouter, type MetricsSource } from './metrics-router';
import { requestLog } from './request-log';
import { scopeGuard } from './scope-guard';
import { createSubscriptionsRouter } from './subscriptions-router';

export interface AppDeps {
  readonly logger: Logger;
  readonly events: EventsRouterDeps;
  readonly readiness: ReadinessCheck;
  readonly management: {
    /** Checks management keys: `ADMIN_API_KEY` and the stored API keys. */
    readonly authenticator: KeyAuthenticator;
    readonly keys: ApiKeyService;
    readonly subscriptions: SubscriptionService;
    readonly deliveries: DeliveryReads;
    readonly events: Pick<EventRecordStore, 'get'>;
    readonly replay: ReplayService;
    /** Keys of ordered subscriptions blocked by a failed delivery. */
    readonly blocked: BlockedKeys;
  };
  /** Retry-After of a 503 when Redis is unreachable. */
  readonly retryAfterSeconds: number;
  /** The OpenAPI document served at `GET /openapi.json`. */
  readonly openapi: Readonly<Record<string, unknown>>;
  /** This process's metrics, served at `GET /metrics` (behind `metricsToken` when set). */
  readonly metrics?: MetricsSource;
  readonly metricsToken?: string;
}

/** Builds the Express app without listening, so tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Ingest first: the hot path should not walk past the other routers.
  app.use(createEventsRouter(deps.events));
  app.use(createHealthRouter(deps.readiness));
  if (deps.metrics) app.use(createMetricsRouter(deps.metrics, deps.metricsToken));
  app.get('/openapi.json', (_req, res) => {
    res.json(deps.openapi);
  });
  app.use(requestLog(deps.logger));
  const { authenticator, keys, subscriptions, deliveries, events, replay, blocked } = deps.management;
  const guard = scopeGuard(authenticator);
  const maxBodyBytes = deps.events.maxBodyBytes;
  app.use(createKeysRouter({ keys, authenticator, maxBodyBytes, guard }));
  app.use(
    createDeliveriesRouter({ deliveries, events, replay, blocked, subscriptions, maxBodyBytes, guard }),
  );
  app.use(
    createSubscriptionsRouter({
      service: subscriptions,
      maxBodyBytes,
      guard,
      replayFailed: (tenant, id, since) =>
        replay.replayBulk(id, { tenant, status: 'failed', changedSince: since }),
    }),
  );
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger, deps.retryAfterSeconds));
  return app;
}
