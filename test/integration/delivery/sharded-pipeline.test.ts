import { orderingKey } from '../../../src/events';
import { createShards } from '../../../src/queues';
import { eventually } from '../../support/eventually';
import { postKeys } from '../../support/keyed-events';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

// REDIS_SHARDS on one Redis: the shards' keys are apart (their own hash tags) as in a cluster, so
// the API's gathering across shards and the per-shard pipelines run as they do there.

const SHARDS = 4;
let harness: ServiceHarness;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start({ REDIS_SHARDS: String(SHARDS), SCHEDULER_SWEEP_MS: '200' });
  sink = await LocalSink.start();
});
afterAll(async () => {
  await sink.close();
  await harness.stop();
});

const KEYS = Array.from({ length: 12 }, (_, i) => `order-${i}`);
const bodyOf = (body: string) =>
  JSON.parse(body) as { id: string; type: string; data: { key: string; n: number } };

/** The shard of a partition key's events. */
const shardOfKey = (key: string) =>
  createShards(harness.prefix, SHARDS).of(
    orderingKey({ specversion: '1.0', id: 'x', source: '/x', type: 't', partitionkey: key }, 'default'),
  );

it('routes, orders, lists, looks up and replays events kept in several shards', async () => {
  // Every event of two keys of two shards fails until the sink recovers; the others are delivered.
  const failing = [KEYS[0]!, KEYS.find((key) => shardOfKey(key) !== shardOfKey(KEYS[0]!))!];
  let recovered = false;
  sink.respond = (req) =>
    !recovered && failing.includes(bodyOf(req.body).data.key) ? { status: 500 } : { status: 204 };
  const subscription = await harness.subscribe({
    sink: sink.url,
    types: ['sharded.test'],
    delivery: { ordering: 'key', onFailure: 'skip', retrySchedule: [1] },
  });
  await postKeys(harness, 'sharded.test', KEYS, 10, true);

  // The events' records are in more than one shard.
  const shards = createShards(harness.prefix, SHARDS);
  const perShard = await Promise.all(
    shards.keys.map(async (keys) => (await harness.redis.client().keys(keys.eventRecord('*'))).length),
  );
  expect(perShard.reduce((sum, count) => sum + count, 0)).toBe(120);
  expect(perShard.filter((count) => count > 0).length).toBeGreaterThan(1);

  const settled = await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&limit=200`),
    (list) => list.length === 120 && list.every((d) => d.status === 'delivered' || d.status === 'failed'),
    30_000,
  );
  expect(settled.filter((d) => d.status === 'failed')).toHaveLength(20);

  // Each key in acknowledgement order, once each.
  const seen = new Map<string, number[]>();
  for (const req of sink.deliveries) {
    const { data } = bodyOf(req.body);
    if (!failing.includes(data.key)) seen.set(data.key, [...(seen.get(data.key) ?? []), data.n]);
  }
  for (const key of KEYS.filter((k) => !failing.includes(k)))
    expect(seen.get(key)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  // Paged 7 at a time across the shards: every delivery once, in creation order.
  const paged: Record<string, unknown>[] = [];
  let next: string | undefined = `/deliveries?subscription=${subscription.id}&limit=7`;
  while (next) {
    const page = await harness.admin('get', next);
    expect(page.status).toBe(200);
    paged.push(...(page.body as Record<string, unknown>[]));
    next = /<([^>]+)>; rel="next"/.exec(String(page.headers.link ?? ''))?.[1];
  }
  expect(paged.map((d) => d.id)).toEqual(settled.map((d) => d.id));
  expect(new Set(paged.map((d) => d.id)).size).toBe(120);

  // A delivery's detail and its event, whichever shard holds them.
  const failed = settled.find((d) => d.status === 'failed')!;
  const detail = await harness.admin('get', `/deliveries/${String(failed.id)}`);
  expect(detail.status).toBe(200);
  expect(detail.body.attempts.length).toBeGreaterThan(0);
  const event = await harness.admin('get', `/events/${String(failed.eventKey)}`);
  expect(event.status).toBe(200);
  expect(event.body.deliveries.map((d: { id: string }) => d.id)).toEqual([failed.id]);

  // One replay, then the rest in bulk: the count covers every shard.
  recovered = true;
  expect((await harness.admin('post', `/deliveries/${String(failed.id)}/replay`)).status).toBe(202);
  await eventually(
    () => harness.admin('get', `/deliveries/${String(failed.id)}`),
    (res) => res.body.status === 'delivered',
    10_000,
  );
  const bulk = await harness
    .admin('post', `/subscriptions/${subscription.id}/replay`)
    .send({ status: 'failed' });
  expect(bulk.status).toBe(202);
  expect(bulk.body).toEqual({ queued: 19, matched: 19 });
  const all = await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=delivered&limit=200`),
    (list) => list.length === 120,
    30_000,
  );
  expect(all).toHaveLength(120);
  expect((await harness.admin('get', '/deliveries/AAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
});
