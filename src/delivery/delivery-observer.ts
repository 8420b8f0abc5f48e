import type { DeliveryRecord } from './delivery-record';

/** One attempt of a delivery, or its end without a request, as the logs and metrics see it. */
export interface AttemptReport {
  readonly delivery: Pick<
    DeliveryRecord,
    'id' | 'tenant' | 'eventId' | 'eventType' | 'subscriptionId' | 'round'
  >;
  /** The delivery's attempts so far, this one included (unchanged when nothing was sent). */
  readonly attempt: number;
  /** Where the delivery went: `failed` is a dead letter (replayable). */
  readonly outcome: 'delivered' | 'retry' | 'failed' | 'discarded' | 'superseded';
  /** False when the delivery ended without a request (subscription gone, event expired, ...). */
  readonly sent: boolean;
  readonly statusCode?: number;
  /** `timeout`, `connection`, `dns`, `tls`, `blocked`, `other`, or `request` (not built). */
  readonly errorClass?: string;
  readonly error?: string;
  readonly durationMs: number;
  readonly nextAttemptAt?: string;
  /** When ce-relay received the event. */
  readonly receivedAt?: string;
}

/** Told of every attempt the deliver processor makes or ends a delivery without. */
export interface DeliveryObserver {
  attempted(report: AttemptReport): void;
}
