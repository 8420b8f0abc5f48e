import express, { type Express } from 'express';
import type { Logger } from '../logging';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { createHealthRouter, type ReadinessCheck } from './health-router';
import { createMetricsRouter, type MetricsSource } from './metrics-router';

export interface OpsAppDeps {
  readonly logger: Logger;
  readonly readiness: ReadinessCheck;
  readonly metrics: MetricsSource;
  readonly metricsToken?: string;
}

/** The listener of a process without the API (`ROLE=worker`): `/metrics`, `/healthz`, `/readyz`. */
export function createOpsApp(deps: OpsAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createHealthRouter(deps.readiness));
  app.use(createMetricsRouter(deps.metrics, deps.metricsToken));
  app.use(notFoundHandler);
  app.use(createErrorHandler(deps.logger, 5));
  return app;
}
