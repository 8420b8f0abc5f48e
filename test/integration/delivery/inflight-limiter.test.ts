import { createRedisInflightLimiter } from '../../../src/delivery';
import { TestRedis } from '../../support/test-redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
});

it('caps a subscription, never lets one delivery in twice at once, and ends leases on their own', async () => {
  let now = Date.now();
  const limiter = createRedisInflightLimiter(
    redis.client(),
    (id) => `inflight:${id}`,
    () => now,
  );
  const take = (delivery: string) => limiter.acquire('sub', delivery, 2, 10_000);

  expect(await take('d1')).toBe(true);
  // The same delivery again while its attempt is in flight (e.g. a job run again): refused.
  expect(await take('d1')).toBe(false);
  expect(await take('d2')).toBe(true);
  expect(await take('d3')).toBe(false); // at the cap of 2
  expect(await limiter.acquire('other-sub', 'd3', 2, 10_000)).toBe(true); // caps are per subscription

  await limiter.release('sub', 'd1');
  expect(await take('d3')).toBe(true);

  // A worker that died never releases: its lease ends after 10 s.
  expect(await take('d1')).toBe(false);
  now += 10_001;
  expect(await take('d1')).toBe(true);
});

it('decides slots asked for in the same turn one after the other, as if asked for apart', async () => {
  const limiter = createRedisInflightLimiter(redis.client(), (id) => `inflight-turn:${id}`);
  const take = (subscription: string, delivery: string) => limiter.acquire(subscription, delivery, 2, 10_000);

  const taken = await Promise.all([
    take('sub', 'd1'),
    take('sub', 'd1'), // the same delivery twice: the second is refused
    take('sub', 'd2'),
    take('sub', 'd3'), // over the cap of 2
    take('other', 'd3'),
  ]);

  expect(taken).toEqual([true, false, true, false, true]);
  await Promise.all([limiter.release('sub', 'd1'), limiter.release('sub', 'd2')]);
  expect(await Promise.all([take('sub', 'd3'), take('sub', 'd4')])).toEqual([true, true]);
});

it('keeps a subscription set until the whole minute after its last lease, moving its expiry once a minute', async () => {
  const minute = 60_000;
  // One second into a minute of the near future, on the limiter's clock (Redis's is the real one).
  const start = (Math.floor(Date.now() / minute) + 2) * minute + 1_000;
  let now = start;
  const limiter = createRedisInflightLimiter(
    redis.client(),
    (id) => `inflight-ttl:${id}`,
    () => now,
  );
  const expiresAt = () => redis.client().call('PEXPIRETIME', 'inflight-ttl:sub');
  const endOfMinute = start - 1_000 + minute;

  await limiter.acquire('sub', 'd1', 10, 10_000);
  expect(await expiresAt()).toBe(endOfMinute);

  now = start + 30_000; // a lease that ends within the same minute: the expiry stays
  await limiter.acquire('sub', 'd2', 10, 10_000);
  expect(await expiresAt()).toBe(endOfMinute);

  now = start + 55_000; // one that ends in the next minute: the set lives until its end
  await limiter.acquire('sub', 'd3', 10, 10_000);
  expect(await expiresAt()).toBe(endOfMinute + minute);
});
