import request from 'supertest';
import { eventually } from '../../support/eventually';
import { ServiceHarness } from '../../support/service-harness';
import { TestRedis } from '../../support/test-redis';

/**
 * A Redis that stops being a primary under ce-relay (a failover made it a replica, as a supervisor
 * restarting an old master does): nothing may be acknowledged to it, and the process is not ready
 * until it holds a writable primary again.
 */
let harness: ServiceHarness;
let other: TestRedis;

beforeAll(async () => {
  // The API's side: what it acknowledges and what it says of itself.
  harness = await ServiceHarness.start({ ROLE: 'api' });
  other = await TestRedis.start();
});
afterAll(async () => {
  // Whatever the test left, both are primaries again before the service drains.
  await harness.redis.promote();
  await harness.stop();
  await other.stop();
});

const readyz = async () => (await request(harness.base).get('/readyz')).status;
const post = (id: string) =>
  harness.postEvent({ specversion: '1.0', id, source: '/stale', type: 'stale.test' });

it('answers 503, never 202, and is not ready while its Redis is a replica; both return once it is a primary', async () => {
  expect(await readyz()).toBe(200);
  expect((await post('before')).status).toBe(202);

  // A failover: the other server, a replica holding the same data, is promoted; ours follows it.
  await other.follow(harness.redis);
  await other.promote();
  await harness.redis.follow(other);
  expect(await readyz()).toBe(503);
  const refused = await post('while-replica');
  expect(refused.status).toBe(503);
  expect(refused.headers['retry-after']).toBeDefined();

  await harness.redis.promote();
  await eventually(readyz, (status) => status === 200, 10_000);
  expect((await post('after')).status).toBe(202);
});
