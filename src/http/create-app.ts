import express, { type Express } from 'express';
import type { DeliveryStore, ReplayService } from '../delivery';
import type { EventRecordStore } from '../events';
import type { Logger } from '../logging';
import { createDeliveriesRouter } from './deliveries-router';
import type { AdminAuthenticator } from '../security';
import type { SubscriptionService } from '../subscriptions';
import { adminAuth } from './admin-auth-middleware';
import { createSubscriptionsRouter } from './subscriptions-router';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { createEventsRouter, type EventsRouterDeps } from './events-router';
import { createHealthRouter, type ReadinessCheck } from './health-router';

export interface AppDeps {
  readonly logger: Logger;
  readonly events: EventsRouterDeps;
  readonly readiness: ReadinessCheck;
  readonly management: {
    readonly authenticate: AdminAuthenticator;
    readonly subscriptions: SubscriptionService;
    readonly deliveries: DeliveryStore;
    readonly events: Pick<EventRecordStore, 'get'>;
    readonly replay: ReplayService;
  };
  /** Retry-After of a 503 when Redis is unreachable. */
  readonly retryAfterSeconds: number;
  /** The OpenAPI document served at `GET /openapi.json`. */
  readonly openapi: Readonly<Record<string, unknown>>;
}

/** Builds the Express app without listening, so tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(createHealthRouter(deps.readiness));
  app.get('/openapi.json', (_req, res) => {
    res.json(deps.openapi);
  });
  app.use(createEventsRouter(deps.events));
  const guard = adminAuth(deps.management.authenticate);
  const { subscriptions, deliveries, events, replay } = deps.management;
  const maxBodyBytes = deps.events.maxBodyBytes;
  app.use(createDeliveriesRouter({ deliveries, events, replay, subscriptions, maxBodyBytes, guard }));
  app.use('/subscriptions', guard);
  app.use(
    createSubscriptionsRouter({
      service: subscriptions,
      maxBodyBytes,
      replayFailed: (id, since) => replay.replayBulk(id, { status: 'failed', changedSince: since }),
    }),
  );
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger, deps.retryAfterSeconds));
  return app;
}
