import type { AttemptOutcome } from './classify-response';
import type { DeliveryStatus } from './delivery-record';
import type { Admission } from './delivery-scheduler';
import { scheduledDelayMs } from './retry-schedule';

interface RecordState {
  readonly round: number;
  readonly status: DeliveryStatus;
  readonly updatedAt: string;
  readonly nextAttemptAt?: string;
}

interface SubscriptionState {
  readonly status: string;
  /** Held deliveries last changed up to this time are discarded, not attempted. */
  readonly discardHeldBefore?: string;
}

/** What a deliver job does before any request (docs/delivery.md, the state machine). */
export type BeforeAttempt<R, S, E> =
  /** No record, a job of another round, or a delivery already final: nothing to do. */
  | { readonly kind: 'nothing' }
  /** The retry is not due yet: come back when it is. */
  | { readonly kind: 'not_due'; readonly delayMs: number }
  /** The delivery ends failed without a request. */
  | { readonly kind: 'fail'; readonly record: R; readonly reason: string }
  /** A held delivery that its subscription's return asked to drop: it ends discarded, unsent. */
  | { readonly kind: 'discard'; readonly record: R }
  /**
   * No attempt now: the delivery waits in its subscription's line (`queued`: the scheduler hands
   * it a slot and a job later), or it is being attempted elsewhere (`in_flight`: look again later).
   */
  | { readonly kind: 'wait'; readonly why: 'queued' | 'in_flight' }
  | { readonly kind: 'attempt'; readonly record: R; readonly subscription: S; readonly event: E };

export interface BeforeAttemptInput<R extends RecordState, S extends SubscriptionState, E> {
  readonly record: R | undefined;
  readonly jobRound: number;
  /** Absent once the subscription was deleted. */
  readonly subscription: S | undefined;
  /** What the scheduler answered; absent when it was not asked (a deleted subscription). */
  readonly admission: Admission | undefined;
  /** The event's record; absent once it expired. */
  readonly event: E | undefined;
  readonly nowMs: number;
  /** A retry due within this long is made now: clocks of worker processes differ a little. */
  readonly dueToleranceMs: number;
}

export function beforeAttempt<R extends RecordState, S extends SubscriptionState, E>(
  input: BeforeAttemptInput<R, S, E>,
): BeforeAttempt<R, S, E> {
  const { record, subscription, event } = input;
  if (!record || record.round !== input.jobRound) return { kind: 'nothing' };
  if (record.status !== 'pending' && record.status !== 'held') return { kind: 'nothing' };
  const dueInMs = record.nextAttemptAt ? Date.parse(record.nextAttemptAt) - input.nowMs : 0;
  if (dueInMs > input.dueToleranceMs) return { kind: 'not_due', delayMs: dueInMs };
  if (!subscription) return { kind: 'fail', record, reason: 'the subscription was deleted' };
  const discardBefore = subscription.discardHeldBefore;
  if (
    record.status === 'held' &&
    discardBefore !== undefined &&
    Date.parse(record.updatedAt) <= Date.parse(discardBefore)
  ) {
    return { kind: 'discard', record };
  }
  // A paused or disabled subscription lets none start: its deliveries wait in line, held.
  if (input.admission === 'queued') return { kind: 'wait', why: 'queued' };
  // Not started (or the scheduler was not asked): come back later, never drop the delivery.
  if (input.admission !== 'start') return { kind: 'wait', why: 'in_flight' };
  if (event === undefined) return { kind: 'fail', record, reason: 'the event record has expired' };
  return { kind: 'attempt', record, subscription, event };
}

/**
 * `coalesce: "latest"`: a delivery about to be attempted is superseded when its key's lane holds a
 * newer one (the lane's head is the delivery itself). A replay (round > 0) is sent when asked.
 */
export function isSuperseded(input: {
  readonly coalesce: 'none' | 'latest';
  readonly round: number;
  readonly laneLength: number;
}): boolean {
  return input.coalesce === 'latest' && input.round === 0 && input.laneLength > 1;
}

/** Where a delivery goes after an answer (or no answer) from its sink. */
export type AfterAttempt =
  | { readonly status: 'delivered' }
  | { readonly status: 'pending'; readonly delayMs: number; readonly error: string }
  | { readonly status: 'failed'; readonly error: string };

/**
 * A retry waits as long as the sink asked (`Retry-After`) or the schedule says for this attempt
 * of the round; once the schedule is used up, the delivery has failed.
 */
export function afterAttempt(
  outcome: AttemptOutcome,
  roundAttempts: number,
  schedule: readonly number[],
  random: () => number,
): AfterAttempt {
  if (outcome.kind === 'delivered') return { status: 'delivered' };
  if (outcome.kind === 'give_up') return { status: 'failed', error: outcome.reason };
  const delayMs = outcome.delayMs ?? scheduledDelayMs(roundAttempts, schedule, random);
  if (delayMs === undefined) return { status: 'failed', error: `${outcome.reason}; no retries left` };
  return { status: 'pending', delayMs, error: outcome.reason };
}
