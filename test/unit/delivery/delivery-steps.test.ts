import {
  afterAttempt,
  beforeAttempt,
  isSuperseded,
  type AttemptOutcome,
  type DeliveryStatus,
} from '../../../src/delivery';

describe('beforeAttempt: what a deliver job does before any request', () => {
  const now = Date.parse('2026-12-02T10:00:00.000Z');
  const pending: { round: number; status: DeliveryStatus; updatedAt: string; nextAttemptAt?: string } = {
    round: 0,
    status: 'pending',
    updatedAt: '2026-12-02T09:00:00.000Z',
  };
  const held = { ...pending, status: 'held' as const };
  const resumed = (discardHeldBefore: string) => ({ status: 'active', discardHeldBefore });
  const active = { status: 'active' };
  const base = {
    record: pending,
    jobRound: 0,
    subscription: active,
    admission: 'start' as const,
    event: 'the stored event',
    nowMs: now,
    dueToleranceMs: 1_000,
  };

  type Input = Parameters<
    typeof beforeAttempt<typeof pending, { status: string; discardHeldBefore?: string }, string>
  >[0];
  it.each<[string, Partial<Input>, string]>([
    ['no record (the event expired before the first attempt)', { record: undefined }, 'nothing'],
    ['a job of an earlier round', { jobRound: 1, record: { ...pending, round: 2 } }, 'nothing'],
    ['a delivery already delivered', { record: { ...pending, status: 'delivered' } }, 'nothing'],
    ['a delivery already failed', { record: { ...pending, status: 'failed' } }, 'nothing'],
    ['the subscription was deleted', { subscription: undefined }, 'fail'],
    ['a delivery already discarded', { record: { ...pending, status: 'discarded' } }, 'nothing'],
    [
      'the subscription is disabled (no slot: held in line)',
      { subscription: { status: 'disabled' }, admission: 'queued' },
      'wait',
    ],
    [
      'the subscription is paused (no slot: held in line)',
      { subscription: { status: 'paused' }, admission: 'queued' },
      'wait',
    ],
    ['a held delivery, its subscription back', { record: held }, 'attempt'],
    [
      'a held delivery, its subscription back with held ones discarded',
      { record: held, subscription: resumed('2026-12-02T09:30:00.000Z') },
      'discard',
    ],
    [
      'a held delivery held since the discarding return',
      { record: held, subscription: resumed('2026-12-02T08:30:00.000Z') },
      'attempt',
    ],
    [
      'a pending delivery, its subscription back with held ones discarded',
      { subscription: resumed('2026-12-02T09:30:00.000Z') },
      'attempt',
    ],
    ['the subscription is at its in-flight cap (in line)', { admission: 'queued' }, 'wait'],
    ['the delivery is being attempted elsewhere', { admission: 'in_flight' }, 'wait'],
    ['the scheduler was not asked', { admission: undefined }, 'wait'],
    ['the subscription was deleted while in line', { subscription: undefined, admission: 'queued' }, 'fail'],
    ['the event record expired', { event: undefined }, 'fail'],
    [
      'a retry due within the tolerance',
      { record: { ...pending, nextAttemptAt: '2026-12-02T10:00:00.900Z' } },
      'attempt',
    ],
    ['everything in place', {}, 'attempt'],
  ])('%s: %s', (_name, change, kind) => {
    expect(beforeAttempt({ ...base, ...change }).kind).toBe(kind);
  });

  it('a retry not due yet comes back when it is, before anything else is looked at', () => {
    const record = { ...pending, nextAttemptAt: '2026-12-02T10:00:05.000Z' };
    expect(beforeAttempt({ ...base, record, subscription: undefined })).toEqual({
      kind: 'not_due',
      delayMs: 5_000,
    });
  });

  it('says why a delivery ends without a request, and why it waits', () => {
    expect(beforeAttempt({ ...base, subscription: undefined })).toMatchObject({
      reason: 'the subscription was deleted',
    });
    expect(beforeAttempt({ ...base, event: undefined })).toMatchObject({
      reason: 'the event record has expired',
    });
    expect(beforeAttempt({ ...base, admission: 'queued' })).toEqual({ kind: 'wait', why: 'queued' });
    expect(beforeAttempt({ ...base, admission: 'in_flight' })).toEqual({ kind: 'wait', why: 'in_flight' });
  });

  it('hands the attempt what it needs', () => {
    expect(beforeAttempt(base)).toEqual({
      kind: 'attempt',
      record: pending,
      subscription: active,
      event: 'the stored event',
    });
  });
});

describe('afterAttempt: where a delivery goes after an answer', () => {
  const schedule = [5, 300];
  const middle = () => 0.5;
  const retry = (delayMs?: number): AttemptOutcome => ({
    kind: 'retry',
    reason: 'the sink answered 503',
    ...(delayMs === undefined ? {} : { delayMs }),
  });

  it.each<[string, AttemptOutcome, number, ReturnType<typeof afterAttempt>]>([
    ['2xx', { kind: 'delivered' }, 1, { status: 'delivered' }],
    [
      'a give-up',
      { kind: 'give_up', reason: 'the sink answered 404' },
      1,
      { status: 'failed', error: 'the sink answered 404' },
    ],
    [
      'a retry on the schedule',
      retry(),
      1,
      { status: 'pending', delayMs: 5_000, error: 'the sink answered 503' },
    ],
    ['the second retry', retry(), 2, { status: 'pending', delayMs: 300_000, error: 'the sink answered 503' }],
    [
      'a retry after the schedule',
      retry(),
      3,
      { status: 'failed', error: 'the sink answered 503; no retries left' },
    ],
    [
      'Retry-After within the schedule',
      retry(42_000),
      1,
      { status: 'pending', delayMs: 42_000, error: 'the sink answered 503' },
    ],
    [
      'Retry-After after the schedule',
      retry(42_000),
      3,
      { status: 'pending', delayMs: 42_000, error: 'the sink answered 503' },
    ],
  ])('%s', (_name, outcome, roundAttempts, expected) => {
    expect(afterAttempt(outcome, roundAttempts, schedule, middle)).toEqual(expected);
  });
});

describe('isSuperseded: coalesce "latest" sends only the newest of a key', () => {
  it.each<[string, 'none' | 'latest', number, number, boolean]>([
    ['a newer one waits behind it', 'latest', 0, 2, true],
    ['several newer ones wait', 'latest', 0, 40, true],
    ['it is the newest', 'latest', 0, 1, false],
    ['a replay is sent when asked', 'latest', 1, 3, false],
    ['without coalesce', 'none', 0, 3, false],
  ])('%s', (_name, coalesce, round, laneLength, superseded) => {
    expect(isSuperseded({ coalesce, round, laneLength })).toBe(superseded);
  });
});
