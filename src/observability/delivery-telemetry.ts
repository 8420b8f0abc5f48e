import type { AttemptReport, DeliveryObserver } from '../delivery';
import type { Logger } from '../logging';
import type { Metrics } from './metrics';

/** The class of an attempt's answer: `2xx`..`5xx`, `timeout`, `network`, or `none` (nothing sent). */
export function statusClass(report: AttemptReport): string {
  if (report.statusCode !== undefined) return `${Math.floor(report.statusCode / 100)}xx`;
  if (!report.sent || report.errorClass === 'blocked' || report.errorClass === 'request') return 'none';
  return report.errorClass === 'timeout' ? 'timeout' : 'network';
}

/** The outcome label: a request the address policy refused is `blocked`, not just `failed`. */
export function attemptOutcome(report: AttemptReport): string {
  return report.errorClass === 'blocked' ? 'blocked' : report.outcome;
}

/** Label children by their values, made once: `labels()` hashes its arguments on every call. */
function childrenOf<T>(make: (...values: string[]) => T): (...values: string[]) => T {
  const made = new Map<string, T>();
  return (...values) => {
    const key = values.join('|');
    let child = made.get(key);
    if (!child) made.set(key, (child = make(...values)));
    return child;
  };
}

/** One log line and the metrics of each attempt; one more line for each dead letter. */
export function createDeliveryTelemetry(logger: Logger, metrics: Metrics, now = Date.now): DeliveryObserver {
  const attempts = childrenOf((outcome, status) => metrics.deliveryAttempts.labels(outcome, status));
  const durations = childrenOf((status) => metrics.deliveryAttemptDuration.labels(status));
  const latencies = childrenOf((attempt) => metrics.deliveryLatency.labels(attempt));
  return {
    attempted(report) {
      const { delivery } = report;
      const status = statusClass(report);
      const outcome = attemptOutcome(report);
      attempts(outcome, status).inc();
      if (report.sent) durations(status).observe(report.durationMs / 1000);
      if (report.outcome === 'delivered' && report.receivedAt) {
        const first = report.attempt === 1 && delivery.round === 0;
        const seconds = (now() - Date.parse(report.receivedAt)) / 1000;
        latencies(first ? 'first' : 'retry').observe(Math.max(0, seconds));
      }
      if (logger.isLevelEnabled('info')) {
        const fields = {
          deliveryId: delivery.id,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          subscriptionId: delivery.subscriptionId,
          tenant: delivery.tenant,
          round: delivery.round,
          attempt: report.attempt,
          outcome,
          statusCode: report.statusCode,
          errorClass: report.errorClass,
          error: report.error,
          durationMs: report.durationMs,
          nextAttemptAt: report.nextAttemptAt,
        };
        logger.info(fields, report.sent ? 'delivery attempt' : 'delivery ended without a request');
      }
      if (report.outcome === 'failed') {
        metrics.deadLetters.inc();
        logger.warn(
          {
            deliveryId: delivery.id,
            subscriptionId: delivery.subscriptionId,
            tenant: delivery.tenant,
            error: report.error,
          },
          'delivery failed for good (dead letter): replay it once the sink is fixed',
        );
      }
    },
  };
}
