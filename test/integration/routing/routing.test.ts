import pino from 'pino';
import request from 'supertest';
import { loadConfig } from '../../../src/config';
import { eventKey, type CloudEvent } from '../../../src/events';
import { createBullmqDeliveryQueue, createKeySpace, type DeliveryJob } from '../../../src/queues';
import { createEventRouter, createSubscriptionCache, type SubscriptionCache } from '../../../src/routing';
import { runService, type RunningService } from '../../../src/runtime';
import { createRedisSubscriptionStore, type Subscription } from '../../../src/subscriptions';
import { TestRedis, uniquePrefix } from '../../support/test-redis';
import { aoStatusChangedEvent, interventionSeed } from '../../fixtures/seed-events';

const ADMIN_KEY = 'routing-test-admin-key-0001';
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
const sink = 'https://hooks.example.com/ce';

let redis: TestRedis;
let service: RunningService;
let base: string;
const prefix = uniquePrefix('routing');
const keys = createKeySpace(prefix);

async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    value = await read();
  }
  return value;
}

async function deliveryJobs(): Promise<DeliveryJob[]> {
  const client = redis.client();
  const queue = createBullmqDeliveryQueue({ connection: client, prefix: keys.bullPrefix });
  const jobs = await queue.queue.getJobs(['waiting', 'delayed', 'active'], 0, -1, true);
  await queue.close();
  return jobs.map((job) => job.data as DeliveryJob);
}

const createSubscription = async (body: object): Promise<string> => {
  const res = await request(base).post('/subscriptions').set(auth).send(body);
  expect(res.status).toBe(201);
  return res.body.id as string;
};

beforeAll(async () => {
  redis = await TestRedis.start();
  const config = loadConfig({
    REDIS_URL: redis.url,
    PORT: '0',
    HOST: '127.0.0.1',
    KEY_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ADMIN_API_KEY: ADMIN_KEY,
    SUBSCRIPTION_POLL_MS: '200',
  });
  service = await runService(config, pino({ level: 'silent' }));
  base = `http://127.0.0.1:${service.port}`;
  await eventually(
    () => request(base).get('/readyz'),
    (res) => res.status === 200,
  );
});

afterAll(async () => {
  await service.close();
  await redis.stop();
});

describe('routing the seed events', () => {
  it('queues exactly one delivery per matching active subscription', async () => {
    const byType = await createSubscription({ sink, types: ['ao.order.statuschanged'] });
    const bySource = await createSubscription({
      sink,
      filters: [{ prefix: { source: '/contracts/contract1/' } }],
    });
    const bySql = await createSubscription({
      sink,
      filters: [
        {
          sql: "type LIKE 'intent.intervention.%' AND type <> 'intent.intervention.planned' AND subject = 'PREV_2019'",
        },
      ],
    });
    await createSubscription({ sink, status: 'paused' });
    await createSubscription({ sink, types: ['ao.order.created'] });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const ao = aoStatusChangedEvent();
    expect(
      (
        await request(base)
          .post('/events')
          .set('content-type', 'application/cloudevents+json')
          .send(JSON.stringify(ao))
      ).status,
    ).toBe(202);
    const intent = await request(base).post('/events/intent').send(JSON.stringify(interventionSeed));
    expect(intent.status).toBe(202);

    const aoKey = eventKey({ source: String(ao.source), id: String(ao.id) });
    const intentKeys = (intent.body.events as { key: string }[]).map((e) => e.key);
    const expected = [
      `${aoKey} ${byType}`,
      ...intentKeys.map((key) => `${key} ${bySource}`),
      ...intentKeys.slice(1).map((key) => `${key} ${bySql}`),
    ].sort();
    const jobs = await eventually(deliveryJobs, (found) => found.length >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const settled = await deliveryJobs();
    expect(settled.map((job) => `${job.eventKey} ${job.subscriptionId}`).sort()).toEqual(expected);
    expect(jobs.every((job) => job.v === 1)).toBe(true);
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

  it('reach another worker process within a second', async () => {
    const id = await createSubscription({ sink, types: ['probe.changed'], status: 'paused' });
    const started = Date.now();
    await request(base).patch(`/subscriptions/${id}`).set(auth).send({ status: 'active' });
    const matched = await eventually(
      async () => cache.index.match(probe('probe.changed')),
      (ids) => ids.includes(id),
      1000,
    );
    expect(matched).toContain(id);
    expect(Date.now() - started).toBeLessThan(1000);

    await request(base).delete(`/subscriptions/${id}`).set(auth);
    const after = await eventually(
      async () => cache.index.match(probe('probe.changed')),
      (ids) => !ids.includes(id),
      1000,
    );
    expect(after).not.toContain(id);
  });

  it('are picked up by the version poll when the change message is lost', async () => {
    const client = redis.client();
    const subscription: Subscription = {
      id: 'written-behind-the-back',
      sink,
      protocol: 'HTTP',
      types: ['probe.silent'],
      status: 'active',
      delivery: {
        mode: 'structured',
        timeoutMs: 15000,
        retrySchedule: [5],
        maxInFlight: 10,
        retryOn4xx: false,
      },
      secrets: [{ secret: 'whsec_AAAA' }],
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    await client
      .multi()
      .set(keys.subscriptions.subscription(subscription.id), JSON.stringify(subscription))
      .zadd(keys.subscriptions.list, 0, `${subscription.createdAt}|${subscription.id}`)
      .incr(keys.subscriptions.version)
      .exec();
    const matched = await eventually(
      async () => cache.index.match(probe('probe.silent')),
      (ids) => ids.length > 0,
      1000,
    );
    expect(matched).toEqual([subscription.id]);
  });

  it('routing the same event twice queues no second delivery', async () => {
    const id = await createSubscription({ sink, types: ['probe.twice'] });
    await eventually(
      async () => cache.index.match(probe('probe.twice')),
      (ids) => ids.includes(id),
      1000,
    );
    const queue = createBullmqDeliveryQueue({ connection: redis.client(), prefix: keys.bullPrefix });
    const route = createEventRouter({ index: cache.index, deliveries: queue });
    const record = { key: 'f'.repeat(40), event: probe('probe.twice') };
    expect(await route(record)).toEqual([id]);
    expect(await route(record)).toEqual([id]);
    const jobs = (await deliveryJobs()).filter((job) => job.eventKey === record.key);
    expect(jobs).toEqual([{ v: 1, eventKey: record.key, subscriptionId: id }]);
    await queue.close();
  });
});
