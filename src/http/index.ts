export { createApp, type AppDeps } from './create-app';
export type { ReadinessCheck, ReadinessReport } from './health-router';
export type { EventsRouterDeps } from './events-router';
export type { WebhookHandshakeOptions } from './webhook-handshake';
export type { IngestReport } from './events-router';
export { createHealthRouter } from './health-router';
export { createMetricsRouter, type MetricsSource } from './metrics-router';
export { requestLog, type AnsweredRequest } from './request-log';
export { createOpsApp, type OpsAppDeps } from './create-ops-app';
