import { orderingKey, type EventRecord, type EventRecordStore } from '../events';
import type { DeliveryJob } from '../queues';
import { traceAttempt } from './attempt-trace';
import type { DeliverDecision } from './deliver-decision';
import type { DeliveryObserver } from './delivery-observer';
import { afterAttempt, beforeAttempt, isSuperseded } from './delivery-steps';
import { deliveryId } from './delivery-id';
import type { Subscription } from '../subscriptions';
import { createRequestBuilder, type buildRequest, type OutgoingMessage } from './build-request';
import { classifyResponse } from './classify-response';
import type { DeliveryRecord, DeliveryStatus, DeliveryStore } from './delivery-record';
import type { HttpSender } from './http-sender';
import { deliveryLimits, NO_SLOTS } from './delivery-limits';
import type { DeliveryScheduler, LineEntry } from './delivery-scheduler';
import { createRequestSigner } from './sign-request';
import { createParkedRecords } from './parked-records';
import { createNoteHealth, type NoteHealthDeps } from './note-health';
import { createEndWithoutRequest, type EndWithoutRequest } from './end-without-request';
import { createSubscriptionPace, type SubscriptionPace } from './subscription-pace';

export interface DeliverProcessorDeps extends NoteHealthDeps {
  readonly subscription: (id: string) => Subscription | undefined;
  readonly events: Pick<EventRecordStore, 'get'>;
  readonly deliveries: DeliveryStore;
  /** Which deliveries of a subscription may start (its limits, its line). */
  readonly scheduler: DeliveryScheduler;
  readonly send: HttpSender;
  readonly maxRetryAfterMs: number;
  /**
   * Wait before looking again at a delivery being attempted elsewhere: about as long as the
   * subscription's attempts take, within these bounds.
   */
  readonly busyDelayMs: { readonly min: number; readonly max: number };
  /** What is known of each subscription's recent attempts; shared with inline first attempts. */
  readonly pace?: SubscriptionPace;
  /**
   * Queues a deliver job after a delay: the retry of a delivery handed a slot from the line,
   * which has no job of its own (a job's retry is the same job, delayed).
   */
  readonly retry: (job: JobInput, delayMs: number) => Promise<void>;
  /** `WebHook-Request-Origin` sent to sinks that granted it in the webhook handshake. */
  readonly requestOrigin?: string;
  /** Serializes an event for a content mode (a cached `buildRequest` by default). */
  readonly buildRequest?: typeof buildRequest;
  /** Logs and metrics of each attempt. */
  readonly observer?: DeliveryObserver;
  readonly now?: () => Date;
  readonly random?: () => number;
}

/** A retry due within this long is made now: clocks of worker processes differ a little. */
const DUE_TOLERANCE_MS = 1_000;

type JobInput = Pick<DeliveryJob, 'eventKey' | 'subscriptionId'> & {
  readonly round: number;
  /** Handed a slot from its subscription's line, to be attempted by this process (no job). */
  readonly handed?: boolean;
};

const DISCARDED = 'held while its subscription was down; discarded when it came back';
const SUPERSEDED = 'superseded by a newer event of its ordering key (coalesce: latest)';

/** A new delivery of a paused or disabled subscription is held: recorded, not attempted. */
const heldBy = (subscription: Subscription | undefined) =>
  subscription !== undefined && subscription.status !== 'active';

/** Told when the request to the sink starts (after ce-relay's own bookkeeping). */
export type OnSend = () => void;

const liveSecrets = (subscription: Subscription, at: Date) =>
  subscription.secrets
    .filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > at.getTime())
    .map((s) => s.secret);

/**
 * Delivers one (event, subscription) pair: one attempt per call. Knows nothing of BullMQ: it
 * answers `done` or `later(delay)`. Idempotent: a delivery already final, or a job of an older
 * round, is a no-op; the record is the source of truth.
 */
export function createDeliverProcessor(
  deps: DeliverProcessorDeps,
): (job: JobInput, onSend?: OnSend) => Promise<DeliverDecision> {
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const done: DeliverDecision = { kind: 'done' };
  const later = (ms: number): DeliverDecision => ({
    kind: 'later',
    delayMs: Math.round(ms * (0.75 + random() * 0.5)),
  });
  const pace = deps.pace ?? createSubscriptionPace();
  const parked = createParkedRecords({ maxEntries: 10_000, ttlMs: 60_000 });
  const buildRequest = deps.buildRequest ?? createRequestBuilder();
  const signRequest = createRequestSigner();
  // A job that finds its subscription at its cap waits about as long as an attempt takes.
  const busyDelay = (subscriptionId: string) =>
    Math.min(deps.busyDelayMs.max, Math.max(deps.busyDelayMs.min, pace.typicalMs(subscriptionId) ?? 0));

  const endWithoutRequest = createEndWithoutRequest({ ...deps, now });
  const updateHealth = createNoteHealth(deps);
  const finishWithoutSending = async (record: DeliveryRecord, end: EndWithoutRequest) => {
    await endWithoutRequest(record, end);
    return done;
  };

  /**
   * The delivery's record, created on its first attempt (one round trip either way), and its
   * event's record (none once the event expired).
   */
  const ensureRecord = async (
    job: JobInput,
    id: string,
    subscription: Subscription | undefined,
  ): Promise<{ record?: DeliveryRecord; stored?: EventRecord }> => {
    const stored = await deps.events.get(job.eventKey);
    // The event expired: only a delivery recorded before can still be finished (as failed).
    if (!stored) return { record: await deps.deliveries.get(id) };
    const { event } = stored;
    const record = await deps.deliveries.ensure({
      id,
      tenant: stored.tenant,
      eventKey: job.eventKey,
      eventId: event.id,
      eventSource: event.source,
      eventType: event.type,
      eventTime: event.time ?? stored.receivedAt,
      subscriptionId: job.subscriptionId,
      createdAt: now().toISOString(),
      status: heldBy(subscription) ? 'held' : 'pending',
      ...(subscription?.delivery.ordering === 'key'
        ? { orderingKey: orderingKey(event, stored.tenant) }
        : {}),
    });
    return { record, stored };
  };

  /**
   * One attempt; `ended` is told once the answer is in (the delivery's status, when to try again,
   * and the write of the outcome under way): it hands the subscription's slot on.
   */
  const attempt = async (
    record: DeliveryRecord,
    stored: EventRecord,
    subscription: Subscription,
    ended: (status: DeliveryStatus, retryInMs: number | undefined, recorded: Promise<void>) => Promise<void>,
    onSend: OnSend | undefined,
  ): Promise<DeliverDecision> => {
    const started = now();
    const event = subscription.delivery.enrich === false ? stored.event : (stored.enriched ?? stored.event);
    let message: OutgoingMessage;
    let ownHeaders: Record<string, string>;
    try {
      message = buildRequest(event, subscription.delivery.mode);
      ownHeaders = signRequest(`msg_${record.id}`, message.body, liveSecrets(subscription, started), started);
    } catch (error) {
      // Nothing was sent: the delivery ends failed, with the reason, and can be replayed.
      const reason = `the request could not be built: ${(error as Error).message}`;
      const decision = await finishWithoutSending(record, { status: 'failed', reason, attempted: 'request' });
      await ended('failed', undefined, Promise.resolve());
      return decision;
    }
    // The sink granted our origin in the webhook handshake: say who sends (webhook spec 4.1.2).
    if (subscription.delivery.handshake && deps.requestOrigin !== undefined) {
      ownHeaders['webhook-request-origin'] = deps.requestOrigin;
    }
    const method = subscription.protocolsettings?.method ?? 'POST';
    const traced = traceAttempt(stored.event, {
      deliveryId: record.id,
      subscriptionId: subscription.id,
      attempt: record.attemptCount + 1,
      round: record.round,
      method,
      sink: subscription.sink,
    });
    Object.assign(ownHeaders, traced.headers);
    onSend?.();
    const result = await deps.send({
      url: subscription.sink,
      method,
      // Object.assign, not object spread: the spread was a large share of this attempt's CPU (Node 20).
      headers: Object.assign({}, subscription.protocolsettings?.headers, message.headers, ownHeaders),
      body: message.body,
      timeoutMs: subscription.delivery.timeoutMs,
    });
    const outcome = classifyResponse(result, {
      retryOn4xx: subscription.delivery.retryOn4xx,
      maxRetryAfterMs: deps.maxRetryAfterMs,
      now: started.getTime(),
    });
    traced.end(result, outcome.kind === 'delivered');
    pace.note(subscription.id, result.durationMs, outcome.kind === 'delivered');
    const attemptCount = record.attemptCount + 1;
    const roundAttempts = record.roundAttempts + 1;
    const next = afterAttempt(outcome, roundAttempts, subscription.delivery.retrySchedule, random);
    const at = now();
    const nextAttemptAt =
      next.status === 'pending' ? new Date(at.getTime() + next.delayMs).toISOString() : undefined;
    const error = next.status === 'delivered' ? undefined : next.error;
    // The record, the subscription's health and its slot are independent writes: one round trip.
    const recorded = deps.deliveries.recordAttempt(
      record,
      {
        round: record.round,
        at: started.toISOString(),
        durationMs: result.durationMs,
        ...(result.kind === 'response'
          ? { statusCode: result.status, responseExcerpt: result.excerpt }
          : { errorClass: result.errorClass, error: result.message }),
        outcome: next.status === 'pending' ? 'retry' : next.status,
        ...(nextAttemptAt ? { nextAttemptAt } : {}),
      },
      {
        status: next.status,
        attemptCount,
        roundAttempts,
        updatedAt: at.toISOString(),
        nextAttemptAt,
        lastError: error,
      },
    );
    const retryInMs = next.status === 'pending' ? next.delayMs : undefined;
    await Promise.all([
      recorded,
      updateHealth(subscription, outcome, at),
      ended(next.status, retryInMs, recorded),
    ]);
    deps.observer?.attempted({
      delivery: record,
      attempt: attemptCount,
      outcome: next.status === 'pending' ? 'retry' : next.status,
      sent: true,
      ...(result.kind === 'response'
        ? { statusCode: result.status }
        : { errorClass: result.errorClass, error: result.message }),
      ...(error !== undefined && result.kind === 'response' ? { error } : {}),
      durationMs: result.durationMs,
      nextAttemptAt,
      receivedAt: stored.receivedAt,
    });
    return next.status === 'pending' ? { kind: 'later', delayMs: next.delayMs } : done;
  };

  return async (job, onSend) => {
    const id = deliveryId(job.eventKey, job.subscriptionId);
    const subscription = deps.subscription(job.subscriptionId);
    const limits = deliveryLimits(subscription);
    const entry: LineEntry = { subscriptionId: job.subscriptionId, eventKey: job.eventKey, round: job.round };
    // Handed a slot here, put in line here, its subscription still active: the slot is held for it
    // and its records were read when it took its place, so the attempt starts without a round trip.
    const known = job.handed && subscription?.status === 'active' ? parked.take(entry) : undefined;
    // The record and the scheduler's answer (a slot, or a place in line) are asked for at once
    // (one round trip); what the scheduler gave a delivery that needs no attempt is given back.
    const [{ record, stored }, admission] = known
      ? [known, 'start' as const]
      : await Promise.all([
          ensureRecord(job, id, subscription),
          limits ? deps.scheduler.admit(entry, limits, job.handed) : undefined,
        ]);
    const step = beforeAttempt({
      record,
      jobRound: job.round,
      subscription,
      admission,
      event: stored,
      nowMs: now().getTime(),
      dueToleranceMs: DUE_TOLERANCE_MS,
    });
    if (step.kind === 'wait') {
      if (step.why === 'queued' && record && stored) parked.park(entry, { record, stored });
      // In line: a slot will be handed to it. Handed but attempted elsewhere (its slot lapsed and
      // a job took it up): that attempt has it.
      return step.why === 'queued' || job.handed ? done : later(busyDelay(job.subscriptionId));
    }
    // Given back unless another attempt holds the slot: also when the scheduler was not asked (a
    // subscription disabled or deleted while the delivery was in line may leave it a handed slot).
    // The slot is handed on under the subscription's limits as they are then (paused meanwhile: none).
    // A delivery of an ordered subscription that has ended lets its key's next delivery go (unless
    // it failed and the subscription blocks the key then).
    // The event's key, or the one its record keeps once the event record has expired.
    const lane =
      subscription?.delivery.ordering !== 'key'
        ? undefined
        : stored
          ? orderingKey(stored.event, stored.tenant)
          : record?.orderingKey;
    const advances = (status: DeliveryStatus | undefined) =>
      lane !== undefined &&
      (status === 'delivered' ||
        status === 'discarded' ||
        status === 'superseded' ||
        (status === 'failed' && subscription?.delivery.onFailure !== 'block'));
    const giveBack = (status?: DeliveryStatus, hold = false) =>
      deps.scheduler.release(entry, deliveryLimits(deps.subscription(job.subscriptionId)) ?? NO_SLOTS, {
        hold,
        ...(advances(status)
          ? { advance: { lane: lane! } }
          : lane !== undefined && status === 'failed'
            ? { block: { lane } }
            : {}),
      });
    // A delivery handed a slot has no job: its slot is its only hold until its retry job is queued.
    const retryJob = (retryInMs: number | undefined) =>
      job.handed && retryInMs !== undefined ? deps.retry(job, retryInMs) : undefined;
    if (step.kind === 'not_due') {
      await retryJob(step.delayMs);
      if (admission !== 'in_flight') await giveBack();
      return job.handed ? done : { kind: 'later', delayMs: step.delayMs };
    }
    if (step.kind !== 'attempt') {
      // Recorded first: for a handed delivery, what it holds is its only hold until then.
      const decision =
        step.kind === 'fail'
          ? await finishWithoutSending(step.record, { status: 'failed', reason: step.reason })
          : step.kind === 'discard'
            ? await finishWithoutSending(step.record, { status: 'discarded', reason: DISCARDED })
            : done;
      const status =
        step.kind === 'fail'
          ? 'failed'
          : step.kind === 'discard'
            ? 'discarded'
            : record?.round === job.round
              ? record.status
              : undefined;
      if (admission !== 'in_flight') await giveBack(status);
      return decision;
    }
    if (lane !== undefined && step.subscription.delivery.coalesce === 'latest' && job.round === 0) {
      const laneLength = await deps.scheduler.laneLength(job.subscriptionId, lane);
      if (isSuperseded({ coalesce: 'latest', round: job.round, laneLength })) {
        await finishWithoutSending(step.record, { status: 'superseded', reason: SUPERSEDED });
        await giveBack('superseded');
        return done;
      }
    }
    let released = false;
    const release = () => {
      released = true;
      return giveBack();
    };
    // The slot goes on as soon as the answer is in. A handed delivery keeps a hold meanwhile, until
    // its outcome is recorded and a retry has its job: should this process die first, it comes back.
    const ended = async (status: DeliveryStatus, retryInMs: number | undefined, recorded: Promise<void>) => {
      released = true;
      if (!job.handed) return giveBack(status);
      const settled = Promise.all([recorded, retryJob(retryInMs)]).then(() => deps.scheduler.settle(entry));
      await Promise.all([giveBack(status, true), settled]);
    };
    let decision: DeliverDecision;
    try {
      decision = await attempt(step.record, step.event, step.subscription, ended, onSend);
    } catch (error) {
      // Not for a handed delivery: its slot lapses and it goes back to the head of the line.
      if (!released && !job.handed) await release();
      throw error;
    }
    if (!released) await release();
    return job.handed ? done : decision;
  };
}
