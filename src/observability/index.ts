export { createMetrics, type Metrics } from './metrics';
export { createDeliveryTelemetry, statusClass, attemptOutcome } from './delivery-telemetry';
export { createIngestTelemetry, rejectionReason } from './ingest-telemetry';
export { createEnrichTelemetry } from './enrich-telemetry';
export { createGaugeRefresher, type GaugeSources, type GaugeRefresherOptions } from './gauge-refresher';
export { createReplayTelemetry } from './replay-telemetry';
