import { Queue } from 'bullmq';
import request from 'supertest';
import { createKeySpace } from '../../../src/queues';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
let deliverQueue: Queue;
let sink: LocalSink;
/** The most requests the sink had in progress at once. */
let mostAtOnce = 0;

beforeAll(async () => {
  // One sweep a second at most: these tests see slots handed on by ending attempts, or wait for a sweep.
  harness = await ServiceHarness.start({ SCHEDULER_SWEEP_MS: '1000' });
  deliverQueue = new Queue('deliver', { connection: harness.redis.client(), prefix: `{${harness.prefix}}` });
});
afterAll(async () => {
  await deliverQueue.close();
  await harness.stop();
});
beforeEach(async () => {
  sink = await LocalSink.start();
  mostAtOnce = 0;
  sink.respond = () => {
    mostAtOnce = Math.max(mostAtOnce, sink.received.length - sink.answered);
    return { status: 204 };
  };
});
afterEach(async () => {
  await sink.close();
});

const keys = () => createKeySpace(harness.prefix).scheduler;

async function post(type: string, count: number): Promise<void> {
  const events = Array.from({ length: count }, (_, i) => ({
    specversion: '1.0',
    id: `${type}-${i}`,
    source: '/lines',
    type,
  }));
  const res = await request(harness.base)
    .post('/events')
    .set('content-type', 'application/cloudevents-batch+json')
    .send(JSON.stringify(events));
  expect(res.status).toBe(202);
}

/** Deliver jobs waiting or delayed: what workers would fetch, or fetch again later. */
const queuedJobs = async () => {
  const counts = await deliverQueue.getJobCounts('waiting', 'delayed', 'prioritized');
  return counts.waiting! + counts.delayed! + counts.prioritized!;
};

it('keeps deliveries that may not start in their line, without jobs, and hands each freed slot on', async () => {
  const release = sink.hold();
  const { id } = await harness.subscribe({
    sink: sink.url,
    types: ['lines.slow'],
    delivery: { maxInFlight: 2, timeoutMs: 60_000 },
  });
  await post('lines.slow', 20);

  await eventually(
    () => sink.deliveries.length,
    (n) => n === 2,
  );
  // The 18 others wait in the subscription's line: records pending, no job polling for a slot.
  const line = await eventually(
    () => harness.redis.client().zcard(keys().line(id)),
    (n) => n === 18,
  );
  expect(line).toBe(18);
  expect(await queuedJobs()).toBe(0);
  expect(await harness.deliveries(`subscription=${id}&status=pending&limit=100`)).toHaveLength(20);

  release();
  await eventually(
    async () => (await harness.deliveries(`subscription=${id}&status=delivered&limit=100`)).length,
    (n) => n === 20,
    20_000,
  );
  expect(sink.deliveries).toHaveLength(20); // each once
  expect(mostAtOnce).toBeLessThanOrEqual(2);
  expect(await harness.redis.client().exists(keys().line(id))).toBe(0);
}, 40_000);

it("keeps a paused subscription's pending deliveries in line, and sends them when it is resumed", async () => {
  const release = sink.hold();
  const { id } = await harness.subscribe({
    sink: sink.url,
    types: ['lines.paused'],
    delivery: { maxInFlight: 1, timeoutMs: 60_000 },
  });
  await post('lines.paused', 5);
  await eventually(
    () => harness.redis.client().zcard(keys().line(id)),
    (n) => n === 4,
  );

  const paused = await harness.admin('patch', `/subscriptions/${id}`).send({ status: 'paused' });
  await harness.routingKnows(id, paused.body.updatedAt as string);
  release();
  // The attempt under way ends; its slot is not handed on while the subscription is paused.
  await eventually(
    async () => (await harness.deliveries(`subscription=${id}&status=delivered`)).length,
    (n) => n === 1,
  );
  expect(await harness.redis.client().zcard(keys().line(id))).toBe(4);
  expect(await queuedJobs()).toBe(0);

  const resumed = await harness.admin('patch', `/subscriptions/${id}`).send({ status: 'active' });
  await harness.routingKnows(id, resumed.body.updatedAt as string);
  await eventually(
    async () => (await harness.deliveries(`subscription=${id}&status=delivered`)).length,
    (n) => n === 5,
    20_000,
  );
  expect(sink.deliveries).toHaveLength(5);
}, 40_000);

it('hands the line of a deleted subscription out, to end its deliveries failed with the reason', async () => {
  const release = sink.hold();
  const { id } = await harness.subscribe({
    sink: sink.url,
    types: ['lines.deleted'],
    delivery: { maxInFlight: 1, timeoutMs: 60_000 },
  });
  await post('lines.deleted', 4);
  await eventually(
    () => harness.redis.client().zcard(keys().line(id)),
    (n) => n === 3,
  );
  await harness.admin('delete', `/subscriptions/${id}`).expect(200);
  await harness.routingKnows(id, undefined);
  release();

  const failed = await eventually(
    async () => await harness.deliveries(`subscription=${id}&status=failed`),
    (list) => list.length === 3,
    20_000,
  );
  for (const delivery of failed) expect(delivery.lastError).toBe('the subscription was deleted');
  expect(sink.deliveries).toHaveLength(1);
}, 40_000);

it('delivers every event to a subscription with maxPerSecond: the sweep hands its line on each second', async () => {
  // How many start in a second is the scheduler's (its script test, with a clock of its own).
  const { id } = await harness.subscribe({
    sink: sink.url,
    types: ['lines.rate'],
    delivery: { maxPerSecond: 2 },
  });
  await post('lines.rate', 6);
  await eventually(
    async () => (await harness.deliveries(`subscription=${id}&status=delivered`)).length,
    (n) => n === 6,
    20_000,
  );
  expect(sink.deliveries).toHaveLength(6);
}, 40_000);
