import { createRedisBlockedKeys, createRedisDeliveryScheduler, type LineEntry } from '../../../src/delivery';
import { TestRedis } from '../../support/test-redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
});

let run = 0;
const LEASE_MS = 10_000;

/** A scheduler on its own keys, with a clock the test moves, and what it handed this process. */
function setUp(start = Date.now()) {
  const prefix = `sched${++run}`;
  const clock = { now: start };
  const handed: LineEntry[] = [];
  const keys = {
    slots: (id: string) => `${prefix}:slots:${id}`,
    line: (id: string) => `${prefix}:line:${id}`,
    lines: `${prefix}:lines`,
    starts: (id: string) => `${prefix}:starts:${id}`,
    lane: (id: string, key: string) => `${prefix}:lane:${id}:${key}`,
    intake: (key: string) => `${prefix}:intake:${key}`,
    ackSeq: `${prefix}:ack-seq`,
    blocked: (id: string) => `${prefix}:blocked:${id}`,
  };
  const scheduler = createRedisDeliveryScheduler(redis.client(), {
    keys,
    run: (items) => handed.push(...items),
    now: () => clock.now,
  });
  const entry = (eventKey: string, round = 0) => ({ subscriptionId: 'sub', eventKey, round });
  /** The deliveries handed a slot since the last call, as `<key>|<round>`. */
  const names = () => handed.splice(0).map((h) => `${h.eventKey}|${h.round}`);
  return { scheduler, clock, keys, entry, names };
}

const cap = (maxInFlight: number, maxPerSecond?: number) => ({
  maxInFlight,
  leaseMs: LEASE_MS,
  ...(maxPerSecond ? { maxPerSecond } : {}),
});

it('starts deliveries up to the cap, lines up the rest, and hands each freed slot to the head of the line', async () => {
  const { scheduler, entry, names } = setUp();
  const admit = (key: string) => scheduler.admit(entry(key), cap(2));

  expect(await admit('a')).toBe('start');
  expect(await admit('b')).toBe('start');
  expect(await admit('c')).toBe('queued');
  expect(await admit('d')).toBe('queued');
  expect(names()).toEqual([]);

  await scheduler.release(entry('a'), cap(2));
  expect(names()).toEqual(['c|0']); // the slot went to the head of the line, to be attempted here
  // A newcomer does not take the freed slot: it is c's, and the line is not empty.
  expect(await admit('e')).toBe('queued');
  // c is attempted by the process it was handed to; a job of c's meanwhile finds it in flight.
  expect(await admit('c')).toBe('in_flight');
  expect(await scheduler.admit(entry('c'), cap(2), true)).toBe('start');
  // A copy of d's job (say a stalled one run again) keeps d's place: no second place in line.
  expect(await admit('d')).toBe('queued');

  await scheduler.release(entry('b'), cap(2));
  await scheduler.release(entry('c'), cap(2));
  expect(names()).toEqual(['d|0', 'e|0']);
});

it('routes a new delivery straight into the line when others wait there, or none may start', async () => {
  const { scheduler, entry, names } = setUp();
  const lineUp = (key: string, limits = cap(1)) => scheduler.lineUp([{ entry: entry(key), limits }]);
  expect(await lineUp('a')).toEqual([false]); // nobody waits: it gets a job
  expect(await scheduler.admit(entry('a'), cap(1))).toBe('start');
  expect(await scheduler.admit(entry('b'), cap(1))).toBe('queued');
  expect(await lineUp('c')).toEqual([true]); // behind b, without a job
  expect(await lineUp('p', cap(0))).toEqual([true]); // paused: in line whatever waits
  await scheduler.release(entry('a'), cap(1));
  expect(names()).toEqual(['b|0']);
  await scheduler.admit(entry('b'), cap(1), true);
  await scheduler.release(entry('b'), cap(1), { hold: true });
  expect(names()).toEqual(['c|0']);
  // Only b's hold is in line (not due): a newcomer does not wait behind it.
  await scheduler.admit(entry('c'), cap(1), true);
  await scheduler.release(entry('c'), cap(2)); // hands p on
  expect(await lineUp('d', cap(2))).toEqual([false]);
  await scheduler.settle(entry('b'));
  // A slot left free goes to the head of the line at once, when lining up.
  expect(await scheduler.admit(entry('e'), cap(0))).toBe('queued');
  expect(await lineUp('f', cap(2))).toEqual([true]);
  expect(names()).toEqual(['p|0', 'e|0']);
});

it('never lets one delivery in twice at once', async () => {
  const { scheduler, entry } = setUp();
  expect(await scheduler.admit(entry('a'), cap(5))).toBe('start');
  expect(await scheduler.admit(entry('a'), cap(5))).toBe('in_flight');
  // Not even as if it had been handed a slot: it holds a job's slot, not a handed one.
  expect(await scheduler.admit(entry('a'), cap(5), true)).toBe('in_flight');
  await scheduler.release(entry('a'), cap(5));
  expect(await scheduler.admit(entry('a'), cap(5))).toBe('start');
});

it('decides the admissions asked for in one turn in order, as if asked for apart', async () => {
  const { scheduler, entry } = setUp();
  const answers = await Promise.all(['a', 'a', 'b', 'c'].map((key) => scheduler.admit(entry(key), cap(2))));
  expect(answers).toEqual(['start', 'in_flight', 'start', 'queued']);
});

it("ends the lease of a job's attempt whose worker died, and hands its slot on to the line", async () => {
  const { scheduler, clock, entry, names } = setUp();
  expect(await scheduler.admit(entry('a'), cap(1))).toBe('start');
  expect(await scheduler.admit(entry('b'), cap(1))).toBe('queued');
  // a's worker dies: no release (its job comes back by itself). Its lease ends; a sweep hands the slot to b.
  clock.now += LEASE_MS + 1;
  expect(await scheduler.sweep(() => cap(1))).toBe(1);
  expect(names()).toEqual(['b|0']);
});

it('puts a handed delivery whose process died back at the head of the line', async () => {
  const { scheduler, clock, entry, names } = setUp();
  await scheduler.admit(entry('a'), cap(1));
  await scheduler.admit(entry('b'), cap(1));
  await scheduler.admit(entry('c'), cap(1));
  await scheduler.release(entry('a'), cap(1));
  expect(names()).toEqual(['b|0']);
  // The process b was handed to dies: b has no job, only its slot, whose lease lapses.
  clock.now += LEASE_MS + 1;
  expect(await scheduler.sweep(() => cap(1))).toBe(1);
  expect(names()).toEqual(['b|0']); // b again, ahead of c
  expect(await scheduler.admit(entry('b'), cap(1), true)).toBe('start');
});

it("keeps a paused subscription's deliveries in line until it may start them", async () => {
  const { scheduler, entry, names, keys } = setUp();
  expect(await scheduler.admit(entry('a'), cap(0))).toBe('queued');
  expect(await scheduler.admit(entry('b'), cap(0))).toBe('queued');
  // Still paused, or left alone: nothing moves.
  expect(await scheduler.sweep(() => cap(0))).toBe(0);
  expect(await scheduler.sweep(() => undefined)).toBe(0);
  expect(names()).toEqual([]);

  expect(await scheduler.sweep(() => cap(10))).toBe(2); // resumed
  expect(names()).toEqual(['a|0', 'b|0']);
  expect(await redis.client().sismember(keys.lines, 'sub')).toBe(1); // handed slots may lapse back
  for (const key of ['a', 'b']) {
    expect(await scheduler.admit(entry(key), cap(10), true)).toBe('start');
    await scheduler.release(entry(key), cap(10));
  }
  await scheduler.sweep(() => cap(10));
  expect(await redis.client().sismember(keys.lines, 'sub')).toBe(0); // nothing to look at any more
});

it('puts a handed delivery back at the head of the line when its subscription was paused since', async () => {
  const { scheduler, entry, names } = setUp();
  await scheduler.admit(entry('a'), cap(1));
  await scheduler.admit(entry('b'), cap(1));
  await scheduler.admit(entry('c'), cap(1));
  await scheduler.release(entry('a'), cap(1));
  expect(names()).toEqual(['b|0']);
  expect(await scheduler.admit(entry('b'), cap(0), true)).toBe('queued'); // paused meanwhile
  expect(await scheduler.sweep(() => cap(1))).toBe(1); // resumed
  expect(names()).toEqual(['b|0']);
});

it('starts at most maxPerSecond a second, across every worker', async () => {
  const second = 1_000;
  const { scheduler, clock, entry, names } = setUp(Math.ceil(Date.now() / second) * second + 10);
  const limits = cap(10, 2);
  expect(await scheduler.admit(entry('a'), limits)).toBe('start');
  expect(await scheduler.admit(entry('b'), limits)).toBe('start');
  expect(await scheduler.admit(entry('c'), limits)).toBe('queued');
  expect(await scheduler.admit(entry('d'), limits)).toBe('queued');
  expect(await scheduler.admit(entry('e'), limits)).toBe('queued');
  await scheduler.release(entry('a'), limits);
  expect(names()).toEqual([]); // a slot is free, but this second's starts are used up

  clock.now += second;
  expect(await scheduler.sweep(() => limits)).toBe(2);
  expect(names()).toEqual(['c|0', 'd|0']);
  // Handed deliveries started when they were handed: taking up their slot is no second start.
  for (const key of ['c', 'd']) expect(await scheduler.admit(entry(key), limits, true)).toBe('start');
  clock.now += second;
  expect(await scheduler.sweep(() => limits)).toBe(1);
  expect(names()).toEqual(['e|0']);
});

it('takes a delivery that needs no attempt after all out of the line', async () => {
  const { scheduler, entry, names } = setUp();
  await scheduler.admit(entry('a'), cap(1));
  await scheduler.admit(entry('b'), cap(1));
  await scheduler.admit(entry('c'), cap(1));
  await scheduler.release(entry('b'), cap(1)); // say, a retry not due yet
  await scheduler.release(entry('a'), cap(1));
  expect(names()).toEqual(['c|0']);
});

it('names the round in line, and a freed slot goes to the delivery itself when it is first in line', async () => {
  const { scheduler, clock, entry, names } = setUp();
  await scheduler.admit(entry('a'), cap(1));
  expect(await scheduler.admit(entry('b', 3), cap(1))).toBe('queued');
  clock.now += LEASE_MS + 1; // a's lease lapsed, and nobody swept yet
  // b's job comes back (a copy): the free slot goes to the head of the line, b itself.
  expect(await scheduler.admit(entry('b', 3), cap(1))).toBe('start');
  expect(names()).toEqual([]);
  await scheduler.admit(entry('c'), cap(1));
  await scheduler.release(entry('b', 3), cap(1));
  expect(names()).toEqual(['c|0']);
});

it('keeps the slots set until the whole minute after its last lease, moving its expiry once a minute', async () => {
  const minute = 60_000;
  // One second into a minute of the near future, on the scheduler's clock (Redis's is the real one).
  const start = (Math.floor(Date.now() / minute) + 2) * minute + 1_000;
  const { scheduler, clock, keys, entry } = setUp(start);
  const expiresAt = () => redis.client().call('PEXPIRETIME', keys.slots('sub'));
  const endOfMinute = start - 1_000 + minute;

  await scheduler.admit(entry('a'), cap(10));
  expect(await expiresAt()).toBe(endOfMinute);
  clock.now = start + 30_000; // a lease that ends within the same minute: the expiry stays
  await scheduler.admit(entry('b'), cap(10));
  expect(await expiresAt()).toBe(endOfMinute);
  clock.now = start + 55_000; // one that ends in the next minute: the set lives until its end
  await scheduler.admit(entry('c'), cap(10));
  expect(await expiresAt()).toBe(endOfMinute + minute);
});

it('hands the slot of a handed delivery on when its answer is in, and keeps a hold until it is settled', async () => {
  const { scheduler, clock, entry, names, keys } = setUp();
  await scheduler.admit(entry('a'), cap(1));
  await scheduler.admit(entry('b'), cap(1));
  await scheduler.admit(entry('c'), cap(1));
  await scheduler.release(entry('a'), cap(1));
  expect(names()).toEqual(['b|0']);
  expect(await scheduler.admit(entry('b'), cap(1), true)).toBe('start');

  await scheduler.release(entry('b'), cap(1), { hold: true }); // b's answer is in; its outcome is being recorded
  expect(names()).toEqual(['c|0']); // the slot went on at once
  // b's hold is no place that is due: a newcomer with a free slot does not wait behind it.
  await scheduler.admit(entry('c'), cap(1), true);
  await scheduler.release(entry('c'), cap(1));
  expect(await scheduler.admit(entry('d'), cap(1))).toBe('start');
  await scheduler.release(entry('d'), cap(1));

  // b's process died before it recorded the outcome: the hold lapses and b comes back.
  clock.now += LEASE_MS + 1;
  expect(await scheduler.sweep(() => cap(1))).toBe(1);
  expect(names()).toEqual(['b|0']);

  // Settled in time, a hold is gone: nothing comes back.
  await scheduler.admit(entry('b'), cap(1), true);
  await scheduler.release(entry('b'), cap(1), { hold: true });
  await scheduler.settle(entry('b'));
  clock.now += LEASE_MS + 1;
  expect(await scheduler.sweep(() => cap(1))).toBe(0);
  expect(await redis.client().exists(keys.line('sub'))).toBe(0);
});

describe('lanes of an ordered subscription', () => {
  /** A scheduler with events acknowledged (in the intake of their ordering key) in the order given. */
  async function withAcknowledged(events: readonly [string, string][]) {
    const setup = setUp();
    const client = redis.client();
    for (const [event, lane] of events) {
      const seq = await client.incr(setup.keys.ackSeq);
      await client.zadd(setup.keys.intake(lane), seq, `id-${event}`);
    }
    const enter = (event: string, lane: string, matched = true, limits = cap(10)) =>
      setup.scheduler.enter({
        identityKey: `id-${event}`,
        eventKey: event,
        orderingKey: lane,
        subscriptions: [{ subscriptionId: 'sub', matched, limits }],
      });
    /** The delivery's attempt ended: its slot goes, and its lane goes on unless told otherwise. */
    const ended = (event: string, lane: string, advance = true) =>
      setup.scheduler.release(setup.entry(event), cap(10), advance ? { advance: { lane } } : {});
    return { ...setup, enter, ended };
  }

  it('delivers the events of a key one at a time, in the order acknowledged, whatever the order routed', async () => {
    const { enter, ended, names, scheduler, entry } = await withAcknowledged([
      ['e1', 'k'],
      ['e2', 'k'],
      ['e3', 'k'],
    ]);
    await enter('e3', 'k'); // routed first, acknowledged last: waits for e1 and e2
    expect(names()).toEqual([]);
    await enter('e1', 'k');
    expect(names()).toEqual(['e1|0']);
    await enter('e2', 'k');
    expect(names()).toEqual([]); // e1 is under way

    expect(await scheduler.admit(entry('e1'), cap(10), true)).toBe('start');
    await ended('e1', 'k');
    expect(names()).toEqual(['e2|0']);
    await scheduler.admit(entry('e2'), cap(10), true);
    await ended('e2', 'k');
    expect(names()).toEqual(['e3|0']);
  });

  it("keeps a key waiting through its delivery's retries, and lets other keys go meanwhile", async () => {
    const { enter, ended, names, scheduler, entry } = await withAcknowledged([
      ['a1', 'ka'],
      ['b1', 'kb'],
      ['a2', 'ka'],
    ]);
    await enter('a1', 'ka');
    await enter('b1', 'kb');
    await enter('a2', 'ka');
    expect(names()).toEqual(['a1|0', 'b1|0']);
    await scheduler.admit(entry('a1'), cap(10), true);
    await ended('a1', 'ka', false); // to be retried: the lane does not go on
    expect(names()).toEqual([]);
    // The retry's job comes back later and is attempted; it is delivered.
    expect(await scheduler.admit(entry('a1'), cap(10))).toBe('start');
    await ended('a1', 'ka');
    expect(names()).toEqual(['a2|0']);
  });

  it('blocks a key whose delivery failed for good when told not to go on, until it ends another way', async () => {
    const { enter, names, scheduler, entry, keys, clock } = await withAcknowledged([
      ['e1', 'k'],
      ['e2', 'k'],
    ]);
    await enter('e1', 'k');
    await enter('e2', 'k');
    expect(names()).toEqual(['e1|0']);
    await scheduler.admit(entry('e1'), cap(10), true);
    await scheduler.release(entry('e1'), cap(10), { block: { lane: 'k' } }); // failed for good
    expect(names()).toEqual([]);
    const blocked = createRedisBlockedKeys(redis.client(), keys, () => clock.now);
    expect(await blocked.list('sub')).toEqual([{ eventKey: 'e1', orderingKey: 'k' }]);
    // Replayed and delivered (round 1): the key goes on, and is no longer listed.
    expect(await scheduler.admit(entry('e1', 1), cap(10))).toBe('start');
    await scheduler.release(entry('e1', 1), cap(10), { advance: { lane: 'k' } });
    expect(names()).toEqual(['e2|0']);
    expect(await blocked.list('sub')).toEqual([]);
  });

  it('skips a blocked head: its key goes on at the next sweep; only a blocked head can be skipped', async () => {
    const { enter, names, scheduler, entry, keys, clock } = await withAcknowledged([
      ['e1', 'k'],
      ['e2', 'k'],
    ]);
    const blocked = createRedisBlockedKeys(redis.client(), keys, () => clock.now);
    await enter('e1', 'k');
    await enter('e2', 'k');
    expect(names()).toEqual(['e1|0']);
    expect(await blocked.skip('sub', 'e1')).toBe(false); // under way, not blocked
    await scheduler.admit(entry('e1'), cap(10), true);
    await scheduler.release(entry('e1'), cap(10), { block: { lane: 'k' } });
    expect(await blocked.skip('sub', 'e2')).toBe(false);
    expect(await blocked.skip('sub', 'e1')).toBe(true);
    expect(await blocked.skip('sub', 'e1')).toBe(false);
    expect(await blocked.list('sub')).toEqual([]);
    expect(await scheduler.sweep(() => cap(10))).toBe(1);
    expect(names()).toEqual(['e2|0']);
    // A stale job of the failed delivery, ending again, blocks nothing: it heads no lane any more.
    await scheduler.release(entry('e1'), cap(10), { block: { lane: 'k' } });
    expect(await blocked.list('sub')).toEqual([]);
  });

  it("lets an ordered subscription's key go on once an earlier event that is not for it is routed", async () => {
    const { enter, names } = await withAcknowledged([
      ['e1', 'k'],
      ['e2', 'k'],
    ]);
    await enter('e2', 'k');
    expect(names()).toEqual([]); // e1, acknowledged before, may be for this subscription
    await enter('e1', 'k', false); // it is not
    expect(names()).toEqual(['e2|0']);
  });

  it('routes an event the intake never saw (claimed before) after those acknowledged so far', async () => {
    const { enter, names } = await withAcknowledged([['e1', 'k']]);
    await enter('old', 'k');
    expect(names()).toEqual([]);
    await enter('e1', 'k');
    expect(names()).toEqual(['e1|0']);
  });

  it("holds a paused subscription's key in line, and never twice: entering again adds nothing", async () => {
    const { enter, names, keys } = await withAcknowledged([['e1', 'k']]);
    await enter('e1', 'k', true, cap(0));
    expect(names()).toEqual([]);
    expect(await redis.client().zcard(keys.line('sub'))).toBe(1);
    await enter('e1', 'k', true, cap(0)); // its ingest job ran again
    expect(await redis.client().zcard(keys.line('sub'))).toBe(1);
    expect(await redis.client().zcard(keys.lane('sub', 'k'))).toBe(1);
  });
});
