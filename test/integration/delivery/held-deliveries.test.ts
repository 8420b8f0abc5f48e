import { eventually } from '../../support/eventually';
import { postKeys } from '../../support/keyed-events';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start({ AUTO_DISABLE_AFTER_SECONDS: '1', SCHEDULER_SWEEP_MS: '200' });
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

const KEYS = ['order-1', 'order-2', 'order-3', 'order-4'];

const statusOf = async (id: string) =>
  ((await harness.admin('get', `/subscriptions/${id}`)).body as { status: string }).status;

it('holds what arrives while a dead sink has its subscription disabled, and delivers it all in order once re-enabled', async () => {
  let up = false;
  sink.respond = () => ({ status: up ? 204 : 503 });
  const subscription = await harness.subscribe({
    sink: sink.url,
    types: ['held.ordered', 'held.trigger'],
    // The retry comes at least 1.6 s (2 s less 20 % jitter) after the first failure: past the 1 s streak.
    delivery: { ordering: 'key', retrySchedule: [2] },
  });
  await harness.postEvent({ specversion: '1.0', id: 'trigger', source: '/dead', type: 'held.trigger' });
  await eventually(
    () => statusOf(subscription.id),
    (status) => status === 'disabled',
    10_000,
  );
  await harness.routingKnows(
    subscription.id,
    (await harness.admin('get', `/subscriptions/${subscription.id}`)).body.updatedAt as string,
  );
  const sentWhileUp = sink.deliveries.length;

  await postKeys(harness, 'held.ordered', KEYS, 25);
  const held = await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=held&limit=200`),
    (list) => list.length === 100,
    10_000,
  );
  expect(held).toHaveLength(100);
  expect(sink.deliveries).toHaveLength(sentWhileUp);

  up = true;
  const reenabled = await harness
    .admin('patch', `/subscriptions/${subscription.id}`)
    .send({ status: 'active' });
  expect(reenabled.status).toBe(200);
  const delivered = await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=delivered&limit=200`),
    (list) => list.length === 100,
    20_000,
  );
  expect(delivered).toHaveLength(100);
  const received = new Map<string, number[]>();
  for (const request of sink.deliveries.slice(sentWhileUp)) {
    const { data } = JSON.parse(request.body) as { data?: { key: string; n: number } };
    if (!data) continue;
    received.set(data.key, [...(received.get(data.key) ?? []), data.n]);
  }
  for (const key of KEYS) {
    expect(received.get(key)).toEqual(Array.from({ length: 25 }, (_, n) => n));
  }
});

it('discards what a paused subscription held when it is resumed with discardHeld, and can replay it', async () => {
  const subscription = await harness.subscribe({ sink: sink.url, types: ['held.discard'] });
  const paused = await harness.admin('patch', `/subscriptions/${subscription.id}`).send({ status: 'paused' });
  await harness.routingKnows(subscription.id, paused.body.updatedAt as string);
  const post = (id: string) =>
    harness.postEvent({ specversion: '1.0', id, source: '/discard', type: 'held.discard' });
  for (let n = 0; n < 5; n++) expect((await post(`d-${n}`)).status).toBe(202);
  await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=held`),
    (list) => list.length === 5,
    10_000,
  );

  const refused = await harness
    .admin('patch', `/subscriptions/${subscription.id}`)
    .send({ status: 'paused', discardHeld: true });
  expect(refused.status).toBe(400);
  const resumed = await harness
    .admin('patch', `/subscriptions/${subscription.id}`)
    .send({ status: 'active', discardHeld: true });
  expect(resumed.status).toBe(200);
  expect(resumed.body.discardHeldBefore).toBe(resumed.body.updatedAt);
  const discarded = await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=discarded`),
    (list) => list.length === 5,
    10_000,
  );
  // What arrives after the return is delivered; nothing held was sent.
  await harness.routingKnows(subscription.id, resumed.body.updatedAt as string);
  await post('after');
  await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=delivered`),
    (list) => list.length === 1,
    10_000,
  );
  expect(sink.deliveries.map((r) => (JSON.parse(r.body) as { id: string }).id)).toEqual(['after']);

  const replayed = await harness.admin('post', `/deliveries/${String(discarded[0]!.id)}/replay`);
  expect(replayed.status).toBe(202);
  await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=delivered`),
    (list) => list.length === 2,
    10_000,
  );
  const detail = await harness.admin('get', `/deliveries/${String(discarded[0]!.id)}`);
  expect(detail.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['discarded', 'delivered']);
});
