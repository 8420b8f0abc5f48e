import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start();
  sink = await LocalSink.start();
});
afterAll(async () => {
  await harness.stop();
  await sink.close();
});

/** A delivery's detail (record and attempts) once it is delivered, or as it stands at the timeout. */
const deliveredDetail = (id: string, timeoutMs?: number) =>
  eventually(
    async () =>
      (await harness.admin('get', `/deliveries/${id}`)).body as { status: string; attempts: object[] },
    (d) => d.status === 'delivered',
    timeoutMs,
  );

const event = (id: string, type: string, time: string) => ({
  specversion: '1.0',
  id,
  source: '/orders',
  type,
  time,
});

describe('records', () => {
  it('lists deliveries by subscription and status, and shows one with its attempts and event', async () => {
    sink.respond = (r) => ({ status: r.body.includes('"rec-bad"') ? 422 : 204 });
    const subscription = await harness.subscribe({ sink: sink.url, types: ['rec.test'] });
    const ok = await harness.postEvent(event('rec-ok', 'rec.test', '2026-11-22T10:00:00Z'));
    await harness.postEvent(event('rec-bad', 'rec.test', '2026-11-22T10:01:00Z'));
    await eventually(
      () => harness.deliveries(`subscription=${subscription.id}`),
      (list) => list.length === 2 && list.every((d) => d.status !== 'pending'),
    );
    const failed = await harness.deliveries(`subscription=${subscription.id}&status=failed`);
    expect(failed.map((d) => d.eventId)).toEqual(['rec-bad']);
    expect(
      (await harness.deliveries(`subscription=${subscription.id}&eventId=rec-ok`)).map((d) => d.status),
    ).toEqual(['delivered']);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(
      await harness.deliveries(`subscription=${subscription.id}&since=${encodeURIComponent(future)}`),
    ).toEqual([]);

    const detail = await harness.admin('get', `/deliveries/${String(failed[0]!.id)}`);
    expect(detail.body).toMatchObject({
      status: 'failed',
      eventId: 'rec-bad',
      eventType: 'rec.test',
      eventTime: '2026-11-22T10:01:00Z',
      subscriptionId: subscription.id,
      attemptCount: 1,
      event: { id: 'rec-bad', type: 'rec.test' },
      attempts: [
        {
          round: 0,
          statusCode: 422,
          outcome: 'failed',
          durationMs: expect.any(Number),
          at: expect.any(String),
        },
      ],
    });

    const key = ok.body.events[0].key as string;
    const stored = await harness.admin('get', `/events/${key}`);
    expect(stored.body).toMatchObject({
      key,
      via: 'structured',
      event: { id: 'rec-ok' },
      deliveries: [{ status: 'delivered' }],
    });
  });

  it('pages deliveries with a Link header and rejects bad queries', async () => {
    const page = await harness.admin('get', '/deliveries?limit=1');
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(1);
    expect(page.headers.link).toMatch(/rel="next"/);
    expect((await harness.admin('get', '/deliveries?status=lost')).status).toBe(400);
    expect((await harness.admin('get', '/deliveries?since=yesterday')).status).toBe(400);
    expect((await harness.admin('get', '/deliveries/nope')).status).toBe(404);
    expect((await harness.admin('get', '/events/nope')).status).toBe(404);
  });
});

describe('replay', () => {
  it('replays one failed delivery with the same webhook-id, keeping earlier attempts', async () => {
    let failing = true;
    sink.respond = () => ({ status: failing ? 500 : 200 });
    const subscription = await harness.subscribe({
      sink: sink.url,
      types: ['replay.one'],
      delivery: { retrySchedule: [] },
    });
    await harness.postEvent(event('one-1', 'replay.one', '2026-11-22T09:00:00Z'));
    const [failed] = await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=failed`),
      (list) => list.length === 1,
    );
    const before = sink.deliveries.filter((r) => r.body.includes('one-1'));
    expect(before).toHaveLength(1);

    failing = false;
    const replayed = await harness.admin('post', `/deliveries/${String(failed!.id)}/replay`);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toEqual({ id: failed!.id, round: 1 });
    const detail = await deliveredDetail(String(failed!.id));
    expect(detail.attempts).toMatchObject([
      { round: 0, statusCode: 500, outcome: 'failed' },
      { round: 1, statusCode: 200, outcome: 'delivered' },
    ]);
    const after = sink.deliveries.filter((r) => r.body.includes('one-1'));
    expect(after).toHaveLength(2);
    expect(after[1]!.headers['webhook-id']).toBe(after[0]!.headers['webhook-id']);
    expect((await harness.admin('post', '/deliveries/nope/replay')).status).toBe(404);
  });

  it('a replay starts the retry schedule afresh', async () => {
    let answers: number[] = [500, 500];
    sink.respond = (r) => (r.body.includes('fresh-1') ? { status: answers.shift() ?? 200 } : { status: 204 });
    const subscription = await harness.subscribe({
      sink: sink.url,
      types: ['replay.fresh'],
      delivery: { retrySchedule: [1] },
    });
    await harness.postEvent(event('fresh-1', 'replay.fresh', '2026-11-22T09:30:00Z'));
    const [failed] = await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=failed`),
      (list) => list.length === 1,
      8000,
    );
    answers = [500];
    await harness.admin('post', `/deliveries/${String(failed!.id)}/replay`);
    const detail = await deliveredDetail(String(failed!.id), 8000);
    expect(detail.attempts).toMatchObject([
      { round: 0, statusCode: 500, outcome: 'retry' },
      { round: 0, statusCode: 500, outcome: 'failed' },
      { round: 1, statusCode: 500, outcome: 'retry' },
      { round: 1, statusCode: 200, outcome: 'delivered' },
    ]);
  });

  it('two concurrent bulk replays deliver each failed delivery once more', async () => {
    let failing = true;
    sink.respond = () => ({ status: failing ? 400 : 204 });
    const subscription = await harness.subscribe({ sink: sink.url, types: ['replay.bulk'] });
    const times = [
      '2026-11-22T08:04:00Z',
      '2026-11-22T08:01:00Z',
      '2026-11-22T08:03:00Z',
      '2026-11-22T08:00:00Z',
      '2026-11-22T08:02:00Z',
    ];
    for (const [i, time] of times.entries()) await harness.postEvent(event(`bulk-${i}`, 'replay.bulk', time));
    await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=failed`),
      (list) => list.length === 5,
    );
    const mark = sink.deliveries.length;

    failing = false;
    const [a, b] = await Promise.all([
      harness.admin('post', `/subscriptions/${subscription.id}/replay`).send({ status: 'failed' }),
      harness.admin('post', `/subscriptions/${subscription.id}/replay`).send({ status: 'failed' }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.queued + b.body.queued).toBe(5);

    await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=delivered`),
      (list) => list.length === 5,
    );
    // A marker posted after: once it is delivered, a sixth replayed delivery would have been too.
    await harness.postEvent(event('bulk-marker', 'replay.bulk', '2026-11-22T09:00:00Z'));
    await eventually(
      () => sink.deliveries.filter((r) => r.body.includes('bulk-marker')).length,
      (n) => n === 1,
    );
    const replayed = sink.deliveries
      .slice(mark)
      .filter((r) => r.body.includes('replay.bulk') && !r.body.includes('bulk-marker'));
    expect(replayed).toHaveLength(5);
    // Queued in event-time order (the replay service's unit test); they may arrive in another
    // order, as deliveries run in parallel.
    const order = replayed.map((r) => (JSON.parse(r.body) as { time: string }).time);
    expect(order.sort()).toEqual([...times].sort());
  });

  it('rejects a replay of an unknown subscription or a bad query', async () => {
    expect((await harness.admin('post', '/subscriptions/nope/replay').send({})).status).toBe(404);
    const subscription = await harness.subscribe({ sink: sink.url, types: ['replay.bad'] });
    const bad = await harness
      .admin('post', `/subscriptions/${subscription.id}/replay`)
      .send({ status: 'pending' });
    expect(bad.status).toBe(400);
  });
});
