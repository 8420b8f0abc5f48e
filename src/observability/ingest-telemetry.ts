import type { IngestReport } from '../http';
import type { Logger } from '../logging';
import type { Metrics } from './metrics';

/** Why an ingest request was refused, as a bounded label. */
export function rejectionReason(status: number): string {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 413) return 'too_large';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'error';
  return 'invalid';
}

/** Metrics of each ingest request, and a log line at `debug` (ingest is the hot path). */
export function createIngestTelemetry(logger: Logger, metrics: Metrics): (report: IngestReport) => void {
  const accepted = metrics.eventsReceived.labels({ outcome: 'accepted' });
  const duplicate = metrics.eventsReceived.labels({ outcome: 'duplicate' });
  return (report) => {
    if (report.status === 202) {
      const repeats = report.duplicates ?? 0;
      accepted.inc((report.accepted ?? 0) - repeats);
      if (repeats > 0) duplicate.inc(repeats);
      metrics.ingestDuration.observe(report.durationMs / 1000);
    } else {
      metrics.eventsReceived.inc({ outcome: 'rejected', reason: rejectionReason(report.status) });
    }
    if (logger.isLevelEnabled('debug')) {
      logger.debug(report, `${report.method} ${report.path} ${report.status}`);
    }
  };
}
