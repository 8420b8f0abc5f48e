import request from 'supertest';
import { acknowledgeDataLoss, dataMarkerKeys } from '../../../src/runtime';
import { createKeySpace, createShards } from '../../../src/queues';
import { eventually } from '../../support/eventually';
import { ServiceHarness } from '../../support/service-harness';

// When Redis loses ce-relay's data under a running service (a restart without persistence, a
// flush, a failover to an empty replica), the service says so and is not ready until an operator
// acknowledges the loss.

let harness: ServiceHarness;

beforeAll(async () => {
  harness = await ServiceHarness.start();
});
afterAll(async () => {
  await harness.stop();
});

const readiness = () => request(harness.base).get('/readyz');

describe('a Redis that lost ce-relay data', () => {
  it('makes the service not ready until the loss is acknowledged', async () => {
    expect((await readiness()).status).toBe(200);
    const redis = harness.redis.client();
    await redis.flushall();

    const lost = await eventually(readiness, (res) => res.status === 503, 8_000);
    expect(lost.body).toMatchObject({ status: 'not_ready', checks: { redis: true, data: false } });

    await acknowledgeDataLoss(redis, [createKeySpace(harness.prefix).dataMarker]);
    const back = await eventually(readiness, (res) => res.status === 200, 8_000);
    expect(back.body.checks).toMatchObject({ redis: true, data: true });
  });

  it('is not fooled by a fresh marker that another process wrote after the loss', async () => {
    const redis = harness.redis.client();
    const key = createKeySpace(harness.prefix).dataMarker;
    await redis.set(key, `fresh someone ${new Date().toISOString()}`);
    const lost = await eventually(readiness, (res) => res.status === 503, 8_000);
    expect(lost.body.checks).toMatchObject({ data: false });
    await acknowledgeDataLoss(redis, [key]);
    expect((await eventually(readiness, (res) => res.status === 200, 8_000)).status).toBe(200);
  });
});

describe('a sharded deployment (REDIS_SHARDS)', () => {
  it("is not ready once one shard's data is gone, until the loss is acknowledged", async () => {
    const sharded = await ServiceHarness.start({ REDIS_SHARDS: '4' });
    try {
      const ready = () => request(sharded.base).get('/readyz');
      expect((await ready()).status).toBe(200);
      const redis = sharded.redis.client();
      const keys = dataMarkerKeys(createShards(sharded.prefix, 4));
      expect(keys).toHaveLength(5);
      await redis.del(keys[3]!);
      const lost = await eventually(ready, (res) => res.status === 503, 8_000);
      expect(lost.body.checks).toMatchObject({ redis: true, data: false });
      await acknowledgeDataLoss(redis, keys);
      expect((await eventually(ready, (res) => res.status === 200, 8_000)).status).toBe(200);
    } finally {
      await sharded.stop();
    }
  });
});
