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
  slow.respond = () => ({ status: 200, delayMs: 5000 });
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
  await harness.subscribe({
    sink: slow.url,
    types: ['iso.slow'],
    delivery: { timeoutMs: 10_000, maxInFlight: 10 },
  });
  await harness.subscribe({ sink: fast.url, types: ['iso.fast'] });

  await postBatches('iso.slow');
  // The slow sink is saturated: 10 requests in flight (its cap), the other 190 deliveries wait.
  await eventually(
    () => slow.received.length,
    (n) => n >= 10,
  );

  const started = Date.now();
  await postBatches('iso.fast');
  await eventually(
    () => fast.deliveries.length,
    (n) => n >= 200,
    10_000,
  );
  const elapsed = Date.now() - started;

  expect(fast.deliveries).toHaveLength(200);
  // Without the cap, 50 workers would sit on the first 50 slow requests for 5 s before any
  // fast delivery could start: every fast delivery would arrive after 5 s at the earliest.
  expect(elapsed).toBeLessThan(4000);
  expect(slow.received.length).toBeLessThanOrEqual(10 + 10);
}, 30_000);
