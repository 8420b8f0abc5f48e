import { createRedisDeliveryStore, type NewDelivery } from '../../../src/delivery';
import { createKeySpace } from '../../../src/queues';
import { TestRedis, uniquePrefix } from '../../support/test-redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
});

const newDelivery = (id: string, subscriptionId: string): NewDelivery => ({
  id,
  tenant: 'default',
  eventKey: 'event-1',
  eventId: 'e1',
  eventSource: '/ao',
  eventType: 'ao.order.statuschanged',
  eventTime: '2026-11-30T10:00:00.000Z',
  subscriptionId,
  createdAt: '2026-11-30T10:00:01.000Z',
});

/** The record of a pending delivery `d` at the given round and counts. */
const pendingRecord = (
  d: NewDelivery,
  state: { round: number; attemptCount: number; roundAttempts: number; updatedAt: string },
) => ({ ...d, status: 'pending', ...state });

/** A store under a fresh key prefix: delivered records kept 60 s, failed ones 120 s. */
const newStore = () => {
  const keys = createKeySpace(uniquePrefix('store')).deliveries;
  return { keys, store: createRedisDeliveryStore(redis.client(), keys, { delivered: 60, failed: 120 }) };
};

/** A first attempt answered 503, to be retried at `at`: the attempt and the record's update. */
const retried = (at: string) =>
  [
    { round: 0, at, durationMs: 5, statusCode: 503, outcome: 'retry', nextAttemptAt: at },
    {
      status: 'pending',
      attemptCount: 1,
      roundAttempts: 1,
      updatedAt: at,
      nextAttemptAt: at,
      lastError: 'HTTP 503',
    },
  ] as const;

describe('Redis delivery store, calls made in the same turn', () => {
  it('creates a delivery once when it is ensured twice at once; each caller gets the record as stored', async () => {
    const { keys, store } = newStore();
    const first = newDelivery('d1', 'sub-a');

    const [a, again, b] = await Promise.all([
      store.ensure(first),
      store.ensure({ ...first, createdAt: '2026-11-30T10:00:09.000Z' }),
      store.ensure(newDelivery('d2', 'sub-b')),
    ]);

    expect(a).toMatchObject({ id: 'd1', status: 'pending', round: 0, createdAt: first.createdAt });
    expect(again).toEqual(a); // found, not created again
    expect(b).toMatchObject({ id: 'd2', subscriptionId: 'sub-b' });
    expect((await store.forEvent('event-1')).map((d) => d.id)).toEqual(['d1', 'd2']);
    expect(await redis.client().zcard(keys.byTenant('default'))).toBe(2);
  });

  it('adds the deliveries of one turn to each index and event set in one command', async () => {
    const { keys, store } = newStore();
    const calls = async () => {
      const stats = await redis.client().info('commandstats');
      const count = (name: string) =>
        Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      return { zadd: count('zadd'), sadd: count('sadd') };
    };
    const before = await calls();

    // An event's three deliveries: one tenant index, one event set, three subscription indexes.
    await Promise.all(['sub-a', 'sub-b', 'sub-c'].map((sub, i) => store.ensure(newDelivery(`d${i}`, sub))));

    const after = await calls();
    // ... and each delivery joins its subscription's pending set: three more.
    expect({ zadd: after.zadd - before.zadd, sadd: after.sadd - before.sadd }).toEqual({ zadd: 7, sadd: 1 });
    expect((await store.forEvent('event-1')).map((d) => d.id)).toEqual(['d0', 'd1', 'd2']);
    expect(await redis.client().zcard(keys.byTenant('default'))).toBe(3);
    expect(await redis.client().zcard(keys.bySubscription('sub-b'))).toBe(1);
  });

  it('records the attempts of several deliveries at once, each with its own status and retention', async () => {
    const { keys, store } = newStore();
    await Promise.all([store.ensure(newDelivery('d1', 'sub-a')), store.ensure(newDelivery('d2', 'sub-b'))]);
    const at = '2026-11-30T10:00:02.000Z';

    await Promise.all([
      store.recordAttempt(
        { id: 'd1', subscriptionId: 'sub-a' },
        { round: 0, at, durationMs: 3, statusCode: 204, outcome: 'delivered' },
        { status: 'delivered', attemptCount: 1, roundAttempts: 1, updatedAt: at },
      ),
      store.recordAttempt({ id: 'd2', subscriptionId: 'sub-b' }, ...retried(at)),
    ]);

    expect(await store.get('d1')).toMatchObject({ status: 'delivered', attemptCount: 1 });
    expect(await store.get('d2')).toMatchObject({
      status: 'pending',
      nextAttemptAt: at,
      lastError: 'HTTP 503',
    });
    expect((await store.attempts('d2')).map((a) => a.statusCode)).toEqual([503]);
    // A final status starts the retention clock; a pending delivery keeps its record.
    expect(await redis.client().ttl(keys.delivery('d1'))).toBeGreaterThan(50);
    expect(await redis.client().ttl(keys.attempts('d1'))).toBeGreaterThan(50);
    expect(await redis.client().ttl(keys.delivery('d2'))).toBe(-1);
  });

  it('trims index entries older than the longest retention as deliveries are created', async () => {
    const { keys, store } = newStore();
    const at = (time: string) => `2026-11-30T${time}.000Z`;
    await store.ensure({ ...newDelivery('old', 'sub-a'), createdAt: at('10:00:00') });
    await store.ensure({ ...newDelivery('kept', 'sub-a'), createdAt: at('10:02:00') });

    // 10:03:00 less the longest retention (120 s): entries before 10:01:00 go.
    await Promise.all([
      store.ensure({ ...newDelivery('new-a', 'sub-a'), createdAt: at('10:03:00') }),
      store.ensure({ ...newDelivery('new-b', 'sub-a'), createdAt: at('10:03:00') }),
    ]);

    const ids = async (index: string) =>
      (await redis.client().zrange(index, '0', '-1')).map((m) => m.slice(m.indexOf('|') + 1));
    expect(await ids(keys.byTenant('default'))).toEqual(['kept', 'new-a', 'new-b']);
    expect(await ids(keys.bySubscription('sub-a'))).toEqual(['kept', 'new-a', 'new-b']);
  });
});

describe('Redis delivery store, what a record holds', () => {
  it('stores a new record without its id, zero counts or repeated time, and reads it back whole', async () => {
    const { keys, store } = newStore();
    const created = await store.ensure(newDelivery('d1', 'sub-a'));

    expect(Object.keys(await redis.client().hgetall(keys.delivery('d1'))).sort()).toEqual([
      'createdAt',
      'eventId',
      'eventKey',
      'eventSource',
      'eventTime',
      'eventType',
      'status',
      'subscriptionId',
      'tenant',
    ]);
    const expected = pendingRecord(newDelivery('d1', 'sub-a'), {
      round: 0,
      attemptCount: 0,
      roundAttempts: 0,
      updatedAt: '2026-11-30T10:00:01.000Z',
    });
    expect(created).toEqual(expected);
    expect(await store.get('d1')).toEqual(expected);
    expect(await store.forEvent('event-1')).toEqual([expected]);
  });

  it('removes the next attempt time and last error once an attempt no longer has them', async () => {
    const { keys, store } = newStore();
    await store.ensure(newDelivery('d1', 'sub-a'));
    const at = '2026-11-30T10:00:02.000Z';
    await store.recordAttempt({ id: 'd1', subscriptionId: 'sub-a' }, ...retried(at));
    await store.recordAttempt(
      { id: 'd1', subscriptionId: 'sub-a' },
      { round: 0, at, durationMs: 3, statusCode: 204, outcome: 'delivered' },
      { status: 'delivered', attemptCount: 2, roundAttempts: 2, updatedAt: at },
    );

    const hash = await redis.client().hgetall(keys.delivery('d1'));
    expect(hash).not.toHaveProperty('nextAttemptAt');
    expect(hash).not.toHaveProperty('lastError');
    expect(await store.get('d1')).toMatchObject({ status: 'delivered', attemptCount: 2, roundAttempts: 2 });
  });

  it("stores a held delivery's status and an ordered delivery's ordering key, and reads them back", async () => {
    const { keys, store } = newStore();
    const created = await store.ensure({
      ...newDelivery('d1', 'sub-a'),
      status: 'held',
      orderingKey: 'key-1',
    });
    const hash = await redis.client().hgetall(keys.delivery('d1'));
    expect(hash).toMatchObject({ status: 'held', orderingKey: 'key-1' });
    expect(created).toMatchObject({ status: 'held', orderingKey: 'key-1' });
    expect(await store.get('d1')).toEqual(created);
    expect(await redis.client().zcard(keys.pending('sub-a'))).toBe(1); // in its backlog
  });

  it('reads a record stored by an earlier version (with its id, counts and emptied fields)', async () => {
    const { keys, store } = newStore();
    const { id, ...fields } = newDelivery('old', 'sub-a');
    await redis.client().hset(keys.delivery(id), {
      id,
      ...fields,
      status: 'pending',
      round: '1',
      attemptCount: '3',
      roundAttempts: '2',
      updatedAt: '2026-11-30T10:05:00.000Z',
      nextAttemptAt: '',
      lastError: '',
    });

    const expected = pendingRecord(newDelivery('old', 'sub-a'), {
      round: 1,
      attemptCount: 3,
      roundAttempts: 2,
      updatedAt: '2026-11-30T10:05:00.000Z',
    });
    expect(await store.get(id)).toEqual(expected);
    expect(await store.ensure(newDelivery('old', 'sub-a'))).toEqual(expected);
  });

  it('knows no record where only an attempt was recorded (its record had expired)', async () => {
    const { keys, store } = newStore();
    const at = '2026-11-30T10:00:02.000Z';
    await store.recordAttempt(
      { id: 'gone', subscriptionId: 'sub-a' },
      { round: 0, at, durationMs: 0, error: 'the event record has expired', outcome: 'failed' },
      { status: 'failed', attemptCount: 1, roundAttempts: 1, updatedAt: at, lastError: 'expired' },
    );

    expect(await redis.client().exists(keys.delivery('gone'))).toBe(1);
    expect(await store.get('gone')).toBeUndefined();
  });
});

describe('Redis delivery store, backlogs', () => {
  const at = (time: string) => `2026-11-30T${time}.000Z`;
  const delivered = (time: string) =>
    [
      { round: 0, at: at(time), durationMs: 3, statusCode: 204, outcome: 'delivered' },
      { status: 'delivered', attemptCount: 1, roundAttempts: 1, updatedAt: at(time) },
    ] as const;

  it('counts pending deliveries per subscription, largest first, with the oldest of each', async () => {
    const { store } = newStore();
    await store.ensure({ ...newDelivery('a1', 'sub-a'), createdAt: at('10:00:00') });
    await store.ensure({ ...newDelivery('a2', 'sub-a'), createdAt: at('10:00:05') });
    await store.ensure({ ...newDelivery('a3', 'sub-a'), createdAt: at('10:00:09') });
    await store.ensure({ ...newDelivery('b1', 'sub-b'), createdAt: at('09:59:00') });
    await store.recordAttempt({ id: 'a1', subscriptionId: 'sub-a' }, ...delivered('10:00:10'));
    // A retry stays pending.
    await store.recordAttempt({ id: 'a2', subscriptionId: 'sub-a' }, ...retried(at('10:00:10')));

    expect(await store.backlogs(['sub-a', 'sub-b', 'sub-none'], 1)).toEqual({
      total: 3,
      oldestMs: Date.parse(at('09:59:00')),
      largest: [{ subscriptionId: 'sub-a', pending: 2, oldestMs: Date.parse(at('10:00:05')) }],
    });
  });

  it('counts a delivery out when it ends, and in again when replayed', async () => {
    const { keys, store } = newStore();
    const ref = { id: 'a1', subscriptionId: 'sub-a' };
    await store.ensure({ ...newDelivery('a1', 'sub-a'), createdAt: at('10:00:00') });
    await store.recordAttempt(ref, ...delivered('10:00:01'));
    await store.recordAttempt(ref, ...delivered('10:00:02'));
    expect(await store.backlogs(['sub-a'], 5)).toEqual({ total: 0, largest: [] });
    expect(await redis.client().exists(keys.pending('sub-a'))).toBe(0);

    expect(await store.beginReplay(ref, ['delivered'], at('10:05:00'))).toBe(1);
    expect(await store.beginReplay(ref, ['delivered'], at('10:05:01'))).toBeUndefined();
    expect(await store.backlogs(['sub-a'], 5)).toEqual({
      total: 1,
      oldestMs: Date.parse(at('10:05:00')),
      largest: [{ subscriptionId: 'sub-a', pending: 1, oldestMs: Date.parse(at('10:05:00')) }],
    });
  });
});
