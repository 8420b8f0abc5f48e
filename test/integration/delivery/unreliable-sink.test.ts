import request from 'supertest';
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

it('delivers every event to a sink that fails half its requests, recording each attempt', async () => {
  let seed = 42;
  const coin = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 < 0.5;
  };
  sink.respond = () => ({ status: coin() ? 503 : 204 });
  const subscription = await harness.subscribe({
    sink: sink.url,
    types: ['unreliable'],
    delivery: { retrySchedule: Array(12).fill(0) },
  });
  const batch = Array.from({ length: 40 }, (_, i) => ({
    specversion: '1.0',
    id: `u-${i}`,
    source: '/unreliable',
    type: 'unreliable',
  }));
  const res = await request(harness.base)
    .post('/events')
    .set('content-type', 'application/cloudevents-batch+json')
    .send(JSON.stringify(batch));
  expect(res.status).toBe(202);

  const delivered = await eventually(
    () => harness.deliveries(`subscription=${subscription.id}&status=delivered&limit=200`),
    (list) => list.length === 40,
    20_000,
  );
  expect(delivered).toHaveLength(40);
  const failedAttempts = sink.deliveries.length - 40;
  expect(failedAttempts).toBeGreaterThan(10);
  const attempts = delivered.reduce((sum, d) => sum + Number(d.attemptCount), 0);
  expect(attempts).toBe(sink.deliveries.length);
  const ids = new Set(sink.deliveries.map((r) => r.headers['webhook-id']));
  expect(ids.size).toBe(40);
}, 30_000);
