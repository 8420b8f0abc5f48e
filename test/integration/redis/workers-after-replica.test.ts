import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import { TestRedis } from '../../support/test-redis';

let harness: ServiceHarness;
let other: TestRedis;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start();
  other = await TestRedis.start();
  sink = await LocalSink.start();
});
afterAll(async () => {
  await harness.redis.promote();
  await harness.stop();
  await other.stop();
  await sink.close();
});

it('workers deliver again, and stop when asked, after their Redis was a replica for a while', async () => {
  await harness.subscribe({ sink: sink.url, types: ['replica.test'] });
  const post = (id: string) =>
    harness.postEvent({ specversion: '1.0', id, source: '/r', type: 'replica.test' });
  expect((await post('before')).status).toBe(202);
  await eventually(
    () => sink.deliveries.length,
    (n) => n === 1,
  );

  await other.follow(harness.redis);
  await other.promote();
  await harness.redis.follow(other);
  // A while as a replica: the workers' writes fail meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // And back: ours is the primary again, with the other's data.
  await other.client().replicaof('127.0.0.1', String(harness.redis.port));
  await harness.redis.promote();

  expect(
    (
      await eventually(
        () => post('after'),
        (res) => res.status === 202,
        10_000,
      )
    ).status,
  ).toBe(202);
  await eventually(
    () => sink.deliveries.length,
    (n) => n === 2,
    15_000,
  );
  expect(sink.deliveries).toHaveLength(2);
}, 60_000);
