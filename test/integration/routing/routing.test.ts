import request from 'supertest';
import type { CloudEvent } from '../../../src/events';
import { createBullmqDeliveryQueue, createKeySpace, type KeySpace } from '../../../src/queues';
import { createEventRouter, createSubscriptionCache, type SubscriptionCache } from '../../../src/routing';
import { createRedisSubscriptionStore } from '../../../src/subscriptions';
import { makeSubscription } from '../../fixtures/make-subscription';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import type { TestRedis } from '../../support/test-redis';
import { aoStatusChangedEvent, interventionSeed } from '../../fixtures/seed-events';

let harness: ServiceHarness;
let redis: TestRedis;
let base: string;
let keys: KeySpace;
let sink: LocalSink;
let sinkUrl: string;

/** `<eventKey> <subscriptionId>` of every delivery record, sorted. */
async function deliveryPairs(): Promise<string[]> {
  const res = await harness.admin('get', '/deliveries?limit=200');
  return (res.body as { eventKey: string; subscriptionId: string }[])
    .map((d) => `${d.eventKey} ${d.subscriptionId}`)
    .sort();
}

const createSubscription = async (body: object): Promise<string> => {
  const res = await harness.admin('post', '/subscriptions').send(body);
  expect(res.status).toBe(201);
  await harness.routingKnows(res.body.id as string, res.body.updatedAt as string);
  return res.body.id as string;
};

beforeAll(async () => {
  harness = await ServiceHarness.start();
  ({ redis, base } = harness);
  keys = createKeySpace(harness.prefix);
  sink = await LocalSink.start();
  sinkUrl = sink.url;
});

afterAll(async () => {
  await harness.stop();
  await sink.close();
});

describe('routing the seed events', () => {
  it('queues exactly one delivery per matching subscription; a paused one holds its own', async () => {
    const byType = await createSubscription({ sink: sinkUrl, types: ['ao.order.statuschanged'] });
    const bySource = await createSubscription({
      sink: sinkUrl,
      filters: [{ prefix: { source: '/contracts/contract1/' } }],
    });
    const bySql = await createSubscription({
      sink: sinkUrl,
      filters: [
        {
          sql: "type LIKE 'intent.intervention.%' AND type <> 'intent.intervention.planned' AND subject = 'PREV_2019'",
        },
      ],
    });
    const paused = await createSubscription({ sink: sinkUrl, status: 'paused' });
    await createSubscription({ sink: sinkUrl, types: ['ao.order.created'] });

    const ao = aoStatusChangedEvent();
    const aoPosted = await request(base)
      .post('/events')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(ao));
    expect(aoPosted.status).toBe(202);
    const intent = await request(base).post('/events/intent').send(JSON.stringify(interventionSeed));
    expect(intent.status).toBe(202);

    const aoKey = String(aoPosted.body.events[0].key);
    const intentKeys = (intent.body.events as { key: string }[]).map((e) => e.key);
    const expected = [
      `${aoKey} ${byType}`,
      ...intentKeys.map((key) => `${key} ${bySource}`),
      ...intentKeys.slice(1).map((key) => `${key} ${bySql}`),
    ];
    const held = [aoKey, ...intentKeys].map((key) => `${key} ${paused}`);
    expected.push(...held);
    expected.sort();
    const pairs = await eventually(deliveryPairs, (found) => found.length >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deliveryPairs()).toEqual(expected);
    expect(pairs).toEqual(expected);
    const sent = expected.length - held.length;
    await eventually(
      () => sink.deliveries.length,
      (n) => n >= sent,
    );
    expect(sink.deliveries).toHaveLength(sent);
    const heldRecords = await harness.deliveries(`subscription=${paused}`);
    expect(heldRecords.map((d) => d.status)).toEqual(held.map(() => 'held'));
    // Out of the way of the wildcard matches below.
    expect((await harness.admin('delete', `/subscriptions/${paused}`)).status).toBe(200);
    await harness.routingKnows(paused, undefined);
  });
});

describe('subscription changes', () => {
  let cache: SubscriptionCache;

  beforeAll(async () => {
    const connection = redis.client();
    cache = createSubscriptionCache({
      store: createRedisSubscriptionStore(connection, keys.subscriptions),
      subscriber: redis.client(),
      channel: keys.subscriptions.changes,
      pollMs: 200,
    });
    await cache.start();
  });
  afterAll(async () => {
    await cache.close();
  });

  const probe = (type: string) =>
    ({ specversion: '1.0', id: `probe-${type}`, source: '/probe', type }) as unknown as CloudEvent;

  it('reach another worker process', async () => {
    const id = await createSubscription({ sink: sinkUrl, types: ['probe.changed'], status: 'paused' });
    await harness.admin('patch', `/subscriptions/${id}`).send({ status: 'active' });
    const matched = await eventually(
      async () => cache.index.match('default', probe('probe.changed')),
      (ids) => ids.includes(id),
      5_000,
    );
    expect(matched).toContain(id);

    await harness.admin('delete', `/subscriptions/${id}`);
    const after = await eventually(
      async () => cache.index.match('default', probe('probe.changed')),
      (ids) => !ids.includes(id),
      5_000,
    );
    expect(after).not.toContain(id);
  });

  it('are picked up by the version poll when the change message is lost', async () => {
    const client = redis.client();
    const subscription = makeSubscription('written-behind-the-back', {
      types: ['probe.silent'],
      createdAt: new Date().toISOString(),
    });
    await client
      .multi()
      .set(keys.subscriptions.subscription(subscription.id), JSON.stringify(subscription))
      .zadd(keys.subscriptions.list, 0, `${subscription.createdAt}|${subscription.id}`)
      .incr(keys.subscriptions.version)
      .exec();
    const matched = await eventually(
      async () => cache.index.match('default', probe('probe.silent')),
      (ids) => ids.length > 0,
      1000,
    );
    expect(matched).toEqual([subscription.id]);
  });

  it('routing the same event again delivers nothing twice', async () => {
    const id = await createSubscription({ sink: sinkUrl, types: ['probe.twice'] });
    await eventually(
      async () => cache.index.match('default', probe('probe.twice')),
      (ids) => ids.includes(id),
      1000,
    );
    const posted = await request(base)
      .post('/events')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(probe('probe.twice')));
    const key = posted.body.events[0].key as string;
    const countFor = () => sink.deliveries.filter((r) => r.body.includes('probe-probe.twice')).length;
    await eventually(countFor, (n) => n === 1);

    const queue = createBullmqDeliveryQueue({ connection: redis.client(), prefix: keys.bullPrefix });
    const route = createEventRouter({ index: cache.index, deliveries: queue });
    const stored = {
      key,
      tenant: 'default',
      event: probe('probe.twice'),
      receivedAt: new Date().toISOString(),
    };
    expect(await route(stored)).toEqual([id]);
    expect(await route(stored)).toEqual([id]);
    // A marker routed after: once it is delivered, a second delivery of the probe would have been too.
    const marker = { ...probe('probe.twice'), id: 'probe-marker' } as unknown as CloudEvent;
    await request(base)
      .post('/events')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(marker));
    await eventually(
      () => sink.deliveries.filter((r) => r.body.includes('probe-marker')).length,
      (n) => n === 1,
    );
    expect(countFor()).toBe(1);
    await queue.close();
  });
});
