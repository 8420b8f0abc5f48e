import type { UpstreamObserver } from '../enrich';
import type { Logger } from '../logging';
import type { Metrics } from './metrics';

/** Metrics of upstream fetches and rate-limit waits; a failed fetch is logged at `debug` (the event's own line says what it went on without). */
export function createEnrichTelemetry(logger: Logger, metrics: Metrics): UpstreamObserver {
  return {
    fetched(upstream, outcome, durationMs) {
      metrics.enrichmentFetches.inc({ upstream, outcome: outcome.ok ? 'ok' : 'error' });
      metrics.enrichmentFetchDuration.observe({ upstream }, durationMs / 1000);
      if (!outcome.ok)
        logger.debug({ upstream, reason: outcome.reason, durationMs }, 'upstream fetch failed');
    },
    waited(upstream, ms) {
      metrics.upstreamRateLimitWaits.inc({ upstream });
      metrics.upstreamRateLimitWaitSeconds.inc({ upstream }, ms / 1000);
    },
  };
}
