import type { ReplayReport } from '../delivery';
import type { Logger } from '../logging';
import type { Metrics } from './metrics';

/** A log line and the count of each replay. */
export function createReplayTelemetry(logger: Logger, metrics: Metrics): (replay: ReplayReport) => void {
  return (replay) => {
    if (replay.kind === 'one') {
      metrics.replays.inc({ kind: 'one' });
      logger.info(replay, `delivery ${replay.deliveryId} replayed (round ${replay.round})`);
    } else {
      metrics.replays.inc({ kind: 'bulk' }, replay.queued);
      logger.info(
        replay,
        `bulk replay of subscription ${replay.subscriptionId}: ${replay.queued} of ${replay.matched} queued`,
      );
    }
  };
}
