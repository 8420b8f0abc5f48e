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
  await harness.redis.client().replicaof('NO', 'ONE');
  await harness.stop();
  await other.stop();
  await sink.close();
});

const linkUp = async (client: ReturnType<TestRedis['client']>) =>
  eventually(
    async () => (await client.info('replication')).includes('master_link_status:up'),
    (up) => up,
    10_000,
  );

it('workers deliver again, and stop when asked, after their Redis was a replica for a while', async () => {
  await harness.subscribe({ sink: sink.url, types: ['replica.test'] });
  const post = (id: string) =>
    harness.postEvent({ specversion: '1.0', id, source: '/r', type: 'replica.test' });
  expect((await post('before')).status).toBe(202);
  await eventually(
    () => sink.deliveries.length,
    (n) => n === 1,
  );

  const ours = harness.redis.client();
  const theirs = other.client();
  await theirs.replicaof('127.0.0.1', String(harness.redis.port));
  await linkUp(theirs);
  await theirs.replicaof('NO', 'ONE');
  await ours.replicaof('127.0.0.1', String(other.port));
  await linkUp(ours);
  // A while as a replica: the workers' writes fail meanwhile.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // And back: ours is the primary again, with the other's data.
  await theirs.replicaof('127.0.0.1', String(harness.redis.port));
  await ours.replicaof('NO', 'ONE');

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
