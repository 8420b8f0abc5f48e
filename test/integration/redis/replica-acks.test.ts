import { ServiceHarness } from '../../support/service-harness';
import { TestRedis } from '../../support/test-redis';

let harness: ServiceHarness;
let replica: TestRedis;

beforeAll(async () => {
  harness = await ServiceHarness.start({
    ROLE: 'api',
    INGEST_REPLICA_ACKS: '1',
    INGEST_REPLICA_ACK_TIMEOUT_MS: '300',
  });
  replica = await TestRedis.start();
  await replica.follow(harness.redis);
});
afterAll(async () => {
  await harness.stop();
  await replica.stop();
});

const post = (id: string) =>
  harness.postEvent({ specversion: '1.0', id, source: '/acks', type: 'acks.test' });

it('answers 202 only once a replica holds the event, and 503 while none acknowledges it', async () => {
  const accepted = await post('with-replica');
  expect(accepted.status).toBe(202);
  // The replica holds the event's claim (and its job) by the time of the 202.
  const keys = await replica.client().keys(`*${harness.prefix}*`);
  expect(keys.length).toBeGreaterThan(0);

  await replica.kill();
  const refused = await post('without-replica');
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBeDefined();
  // The sender's retry is answered 503 as well until a replica is back, then 202.
  expect((await post('without-replica')).status).toBe(503);

  await replica.restart();
  await replica.follow(harness.redis);
  const retried = await post('without-replica');
  expect(retried.status).toBe(202);
});
