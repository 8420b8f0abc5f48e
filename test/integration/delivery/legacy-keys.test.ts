import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import { createKeySpace, QUEUE_NAMES } from '../../../src/queues';
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

it('an event queued by an earlier version (a 40-hex key) is delivered under the ids that version gave it', async () => {
  const subscription = await harness.subscribe({ sink: sink.url, types: ['legacy.key'] });
  const legacyKey = '0123456789abcdef'.repeat(3).slice(0, 40);
  const earlierId = createHash('sha256').update(`${legacyKey}|${subscription.id}`).digest('hex').slice(0, 40);
  const event = { specversion: '1.0', id: 'legacy-1', source: '/orders', type: 'legacy.key' };
  const queue = new Queue(QUEUE_NAMES.ingest, {
    connection: harness.redis.client(),
    prefix: createKeySpace(harness.prefix).bullPrefix,
  });
  const item = {
    key: legacyKey,
    tenant: 'default',
    receivedAt: new Date().toISOString(),
    via: 'structured',
    event,
  };
  await queue.add('events', { v: 2, items: [item] }, { jobId: 'queued-by-an-earlier-version' });
  await queue.close();

  const [delivered] = await eventually(
    () => sink.deliveries,
    (list) => list.length === 1,
  );
  expect(delivered!.headers['webhook-id']).toBe(`msg_${earlierId}`);
  // The record is written once the sink's answer is in, just after the sink saw the request.
  const record = await eventually(
    () => harness.admin('get', `/deliveries/${earlierId}`),
    (res) => res.body.status === 'delivered',
  );
  expect(record.body).toMatchObject({ id: earlierId, eventKey: legacyKey, status: 'delivered' });
  expect((await harness.admin('get', `/events/${legacyKey}`)).body).toMatchObject({ key: legacyKey });
});
