import { createRedisSubscriptionHealth } from '../../../src/delivery';
import { TestRedis } from '../../support/test-redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
});

describe('Redis subscription health', () => {
  it('keeps the start of a failing streak until a success ends it, successes of one turn together', async () => {
    const health = createRedisSubscriptionHealth(redis.client(), (id) => `failing-since:${id}`);
    const t = (minute: number) => new Date(Date.UTC(2026, 10, 30, 10, minute));

    expect(await health.failed('a', t(0))).toEqual(t(0));
    expect(await health.failed('a', t(5))).toEqual(t(0)); // still the same streak
    expect(await health.failed('b', t(1))).toEqual(t(1));
    expect(await health.failed('c', t(2))).toEqual(t(2));

    // The same subscription twice and another one, in the same turn.
    await Promise.all([health.succeeded('a'), health.succeeded('a'), health.succeeded('b')]);

    expect(await health.failed('a', t(9))).toEqual(t(9)); // a new streak
    expect(await health.failed('b', t(9))).toEqual(t(9));
    expect(await health.failed('c', t(9))).toEqual(t(2)); // untouched
  });
});
