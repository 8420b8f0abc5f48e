import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import { TestRedis } from '../../support/test-redis';
import { TestSentinel } from '../../support/test-sentinel';

let harness: ServiceHarness;
let replica: TestRedis;
let sentinel: TestSentinel;
let sink: LocalSink;

const PRIMARY = 'ce-relay';

beforeAll(async () => {
  // The harness's Redis is the primary at first; ce-relay finds it through the sentinel only.
  const primary = await TestRedis.start();
  replica = await TestRedis.start();
  await replica.follow(primary);
  sentinel = await TestSentinel.start(PRIMARY, primary.port);
  harness = await ServiceHarness.start(
    { REDIS_URL: '', REDIS_SENTINELS: sentinel.address, REDIS_SENTINEL_NAME: PRIMARY },
    undefined,
    {},
    primary,
  );
  sink = await LocalSink.start();
});
afterAll(async () => {
  await harness.stop();
  await sentinel.stop();
  await replica.stop();
  await sink.close();
});

it('connects through Sentinel, and after a failover goes on with the new primary', async () => {
  await harness.subscribe({ sink: sink.url, types: ['sentinel.test'] });
  const post = (id: string) =>
    harness.postEvent({ specversion: '1.0', id, source: '/s', type: 'sentinel.test' });
  expect((await post('before')).status).toBe(202);
  await eventually(
    () => sink.deliveries.length,
    (n) => n === 1,
  );

  await sentinel.client().call('SENTINEL', 'FAILOVER', PRIMARY);
  const promoted = replica.client();
  await eventually(
    async () => ((await promoted.call('ROLE')) as string[])[0],
    (role) => role === 'master',
    15_000,
  );
  // Whatever ingest answered meanwhile, it soon takes events again, on the new primary.
  const after = await eventually(
    () => post('after'),
    (res) => res.status === 202,
    15_000,
  );
  expect(after.status).toBe(202);
  await eventually(
    () => sink.deliveries.length,
    (n) => n === 2,
    15_000,
  );
  expect(JSON.parse(sink.deliveries[1]!.body)).toMatchObject({ id: 'after' });
}, 60_000);
