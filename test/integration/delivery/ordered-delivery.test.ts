import { eventually } from '../../support/eventually';
import { postKeys } from '../../support/keyed-events';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start({ SCHEDULER_SWEEP_MS: '200' });
});
afterAll(async () => {
  await harness.stop();
});
beforeEach(async () => {
  sink = await LocalSink.start();
});
afterEach(async () => {
  await sink.close();
});

/** A small seeded generator: the same "random" failures on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const eventOf = (body: string) =>
  JSON.parse(body) as { id: string; source: string; data: { key: string; n: number } };

it.each([
  ['source', false],
  ['partitionkey', true],
])(
  'delivers the events of each %s one at a time in the order acknowledged, across failures and retries',
  async (_name, partitioned) => {
    const type = `ordered.${partitioned ? 'partitioned' : 'sourced'}`;
    const random = seeded(partitioned ? 7 : 11);
    const firstAttempts = new Set<string>();
    const inFlight = new Map<string, number>();
    let overlapping = 0;
    let failures = 0;
    const delivered = new Map<string, number[]>();
    sink.respond = (request) => {
      const { data } = eventOf(request.body);
      const now = (inFlight.get(data.key) ?? 0) + 1;
      inFlight.set(data.key, now);
      if (now > 1) overlapping++;
      const webhookId = String(request.headers['webhook-id']);
      const first = !firstAttempts.has(webhookId);
      firstAttempts.add(webhookId);
      // 30 % of first attempts fail; each answer after 0-50 ms.
      const status = first && random() < 0.3 ? 500 : 204;
      if (status === 500) failures++;
      const delayMs = Math.floor(random() * 50);
      setTimeout(() => {
        inFlight.set(data.key, inFlight.get(data.key)! - 1);
        if (status === 204) {
          const list = delivered.get(data.key) ?? [];
          if (!list.includes(data.n)) list.push(data.n);
          delivered.set(data.key, list);
        }
      }, delayMs);
      return { status, delayMs };
    };
    await harness.subscribe({
      sink: sink.url,
      types: [type],
      delivery: { ordering: 'key', maxInFlight: 5, retrySchedule: [1, 1, 1, 1] },
    });

    const keys = Array.from({ length: 8 }, (_, i) => `${type}-k${i}`);
    await postKeys(harness, type, keys, 12, partitioned);

    await eventually(
      () => [...delivered.values()].reduce((sum, list) => sum + list.length, 0),
      (n) => n === keys.length * 12,
      60_000,
    );
    for (const key of keys) expect(delivered.get(key)).toEqual(Array.from({ length: 12 }, (_, n) => n));
    expect(overlapping).toBe(0);
    expect(failures).toBeGreaterThan(0); // retries were part of it
  },
  90_000,
);

it('blocks a key whose delivery failed for good, and lets it go on once that delivery is replayed', async () => {
  const type = 'ordered.block';
  let refuse = true;
  sink.respond = (request) => {
    const { data } = eventOf(request.body);
    return { status: refuse && data.key.endsWith('k0') && data.n === 1 ? 400 : 204 };
  };
  const { id } = await harness.subscribe({
    sink: sink.url,
    types: [type],
    delivery: { ordering: 'key', onFailure: 'block' },
  });
  const received = (key: string) =>
    sink.deliveries.map((r) => eventOf(r.body).data).filter((d) => d.key === key);

  await postKeys(harness, type, [`${type}-k0`], 4);
  const [failed] = await eventually(
    () => harness.deliveries(`subscription=${id}&status=failed`),
    (list) => list.length === 1,
  );
  // Another key goes on meanwhile; this one is blocked behind its failed delivery.
  await postKeys(harness, type, [`${type}-k1`], 2);
  await eventually(
    () => received(`${type}-k1`).length,
    (n) => n === 2,
  );
  expect(received(`${type}-k0`).map((d) => d.n)).toEqual([0, 1]);
  const blocked = await harness.admin('get', `/subscriptions/${id}/blocked-keys`);
  expect(blocked.status).toBe(200);
  expect(blocked.body).toEqual([
    {
      orderingKey: expect.any(String),
      delivery: expect.objectContaining({ id: failed!.id, status: 'failed' }),
    },
  ]);

  refuse = false;
  const replay = await harness.admin('post', `/deliveries/${String(failed!.id)}/replay`);
  expect(replay.status).toBe(202);
  await eventually(
    () => received(`${type}-k0`).length,
    (n) => n === 5,
  );
  expect(received(`${type}-k0`).map((d) => d.n)).toEqual([0, 1, 1, 2, 3]);
  expect((await harness.admin('get', `/subscriptions/${id}/blocked-keys`)).body).toEqual([]);
}, 60_000);

it('lets a blocked key go on when its failed head is skipped; the head stays failed', async () => {
  const type = 'ordered.skip';
  const key = `${type}-k0`;
  sink.respond = (request) => ({ status: eventOf(request.body).data.n === 1 ? 400 : 204 });
  const { id } = await harness.subscribe({
    sink: sink.url,
    types: [type],
    delivery: { ordering: 'key', onFailure: 'block' },
  });
  const received = () => sink.deliveries.map((r) => eventOf(r.body).data.n);
  await postKeys(harness, type, [key], 4);
  const [failed] = await eventually(
    () => harness.deliveries(`subscription=${id}&status=failed`),
    (list) => list.length === 1,
  );
  const [head] = (await harness.admin('get', `/subscriptions/${id}/blocked-keys`)).body as {
    delivery: { id: string };
  }[];
  expect(head!.delivery.id).toBe(failed!.id);
  expect(received()).toEqual([0, 1]);

  // Only a blocked head can be skipped: a delivered one cannot.
  const [delivered] = await harness.deliveries(`subscription=${id}&status=delivered`);
  expect((await harness.admin('post', `/deliveries/${String(delivered!.id)}/skip`)).status).toBe(409);
  const skipped = await harness.admin('post', `/deliveries/${String(failed!.id)}/skip`);
  expect(skipped.status).toBe(200);
  expect(skipped.body).toEqual({ id: failed!.id, skipped: true });
  await eventually(received, (n) => n.length === 4);
  expect(received()).toEqual([0, 1, 2, 3]);
  expect((await harness.admin('get', `/deliveries/${String(failed!.id)}`)).body.status).toBe('failed');
  expect((await harness.admin('get', `/subscriptions/${id}/blocked-keys`)).body).toEqual([]);
  expect((await harness.admin('post', `/deliveries/${String(failed!.id)}/skip`)).status).toBe(409);
});

it('coalesce "latest": of the events that waited behind one in flight, sends only the newest', async () => {
  const type = 'ordered.coalesce';
  const key = `${type}-k0`;
  const { id } = await harness.subscribe({
    sink: sink.url,
    types: [type],
    delivery: { ordering: 'key', coalesce: 'latest' },
  });
  const release = sink.hold();
  await postKeys(harness, type, [key], 1);
  await eventually(
    () => sink.deliveries.length,
    (n) => n === 1,
  );
  // Five more of the key arrive while the first is in flight; all are recorded, waiting.
  const post = (n: number) =>
    harness.postEvent({
      specversion: '1.0',
      type,
      id: `${key}-${n}`,
      source: `/orders/${key}`,
      datacontenttype: 'application/json',
      data: { key, n },
    });
  for (let n = 1; n <= 5; n++) expect((await post(n)).status).toBe(202);
  await eventually(
    () => harness.deliveries(`subscription=${id}&status=pending`),
    (list) => list.length === 6,
  );
  release();
  await eventually(
    () => harness.deliveries(`subscription=${id}&status=delivered`),
    (list) => list.length === 2,
  );
  const superseded = await eventually(
    () => harness.deliveries(`subscription=${id}&status=superseded`),
    (list) => list.length === 4,
  );
  expect(sink.deliveries.map((r) => eventOf(r.body).data.n)).toEqual([0, 5]);
  expect(superseded.map((d) => d.eventId).sort()).toEqual([1, 2, 3, 4].map((n) => `${key}-${n}`));

  // A superseded delivery can still be replayed: it is sent when asked.
  const replay = await harness.admin('post', `/deliveries/${String(superseded[0]!.id)}/replay`);
  expect(replay.status).toBe(202);
  await eventually(
    () => sink.deliveries.length,
    (n) => n === 3,
  );
});

it('coalesce "latest" needs ordering by key', async () => {
  const res = await harness
    .admin('post', '/subscriptions')
    .send({ sink: sink.url, delivery: { coalesce: 'latest' } });
  expect(res.status).toBe(400);
  expect(res.body.problems).toEqual([expect.objectContaining({ attribute: 'delivery.coalesce' })]);
});
