import request from 'supertest';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
let slow: LocalSink;
let fast: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start({ DELIVERY_CONCURRENCY: '50' });
  slow = await LocalSink.start();
  fast = await LocalSink.start();
});
afterAll(async () => {
  // Cut the slow sink's connections first, so that no in-flight attempt holds the shutdown.
  await slow.close();
  await fast.close();
  await harness.stop();
});

const batch = (type: string, from: number) =>
  Array.from({ length: 100 }, (_, i) => ({
    specversion: '1.0',
    id: `${type}-${from + i}`,
    source: '/iso',
    type,
  }));

async function postBatches(type: string): Promise<void> {
  for (const from of [0, 100]) {
    const res = await request(harness.base)
      .post('/events')
      .set('content-type', 'application/cloudevents-batch+json')
      .send(JSON.stringify(batch(type, from)));
    expect(res.status).toBe(202);
  }
}

it('a slow sink delays only its own deliveries', async () => {
  // The slow sink answers nothing until the end: a sink as slow as can be.
  const release = slow.hold();
  await harness.subscribe({
    sink: slow.url,
    types: ['iso.slow'],
    // Longer than the test waits: no timeout frees a worker from a slow request meanwhile.
    delivery: { timeoutMs: 60_000, maxInFlight: 10 },
  });
  await harness.subscribe({ sink: fast.url, types: ['iso.fast'] });

  await postBatches('iso.slow');
  // The slow sink is saturated: 10 requests in flight (its cap), the other 190 deliveries wait.
  await eventually(
    () => slow.received.length,
    (n) => n >= 10,
  );

  await postBatches('iso.fast');
  await eventually(
    () => fast.deliveries.length,
    (n) => n >= 200,
    15_000,
  );

  // Every fast delivery arrived while the slow sink had answered nothing: without the cap, 50
  // workers would sit on slow requests and no fast delivery could go before one was answered.
  expect(fast.deliveries).toHaveLength(200);
  expect(slow.answered).toBe(0);
  expect(slow.received.length).toBeLessThanOrEqual(10 + 10);
  release();
}, 30_000);
