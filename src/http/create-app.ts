import express, { type Express } from 'express';
import type { Logger } from '../logging';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { createEventsRouter, type EventsRouterDeps } from './events-router';
import { createHealthRouter, type ReadinessCheck } from './health-router';

export interface AppDeps {
  readonly logger: Logger;
  readonly events: EventsRouterDeps;
  readonly readiness: ReadinessCheck;
}

/** Builds the Express app without listening, so tests drive it with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(createHealthRouter(deps.readiness));
  app.use(createEventsRouter(deps.events));
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger));
  return app;
}
