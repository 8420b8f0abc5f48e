import type { DeliveryAttempt, DeliveryRecord, DeliveryStore } from './delivery-record';
import type { DeliveryObserver } from './delivery-observer';

/** How a delivery ends without a request to its sink. */
export interface EndWithoutRequest {
  readonly status: 'failed' | 'discarded' | 'superseded';
  readonly reason: string;
  /** Counted as an attempt: ce-relay tried and could not even build the request. */
  readonly attempted?: 'request';
}

/**
 * Ends a delivery without a request to its sink: recorded as an attempt row with the reason (and
 * counted as an attempt only when ce-relay tried to build the request), logged and counted.
 */
export function createEndWithoutRequest(deps: {
  readonly deliveries: Pick<DeliveryStore, 'recordAttempt'>;
  readonly observer?: DeliveryObserver;
  readonly now: () => Date;
}): (record: DeliveryRecord, end: EndWithoutRequest) => Promise<void> {
  return async (record, { status, reason, attempted }) => {
    const at = deps.now().toISOString();
    const attempt: DeliveryAttempt = {
      round: record.round,
      at,
      durationMs: 0,
      ...(attempted ? { errorClass: attempted } : {}),
      error: reason,
      outcome: status,
    };
    const counted = attempted ? 1 : 0;
    await deps.deliveries.recordAttempt(record, attempt, {
      status,
      attemptCount: record.attemptCount + counted,
      roundAttempts: record.roundAttempts + counted,
      updatedAt: at,
      lastError: reason,
    });
    deps.observer?.attempted({
      delivery: record,
      attempt: record.attemptCount + counted,
      outcome: status,
      sent: false,
      ...(attempted ? { errorClass: attempted } : {}),
      error: reason,
      durationMs: 0,
    });
  };
}
