export { createApp, type AppDeps } from './create-app';
export type { ReadinessCheck, ReadinessReport } from './health-router';
export type { EventsRouterDeps } from './events-router';
export type { WebhookHandshakeOptions } from './webhook-handshake';
