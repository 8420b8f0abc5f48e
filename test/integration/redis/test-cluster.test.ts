import { coversAllSlots, TestCluster } from '../../support/test-cluster';

let cluster: TestCluster | undefined;

beforeAll(async () => {
  cluster = await TestCluster.start();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

function started(): TestCluster {
  if (!cluster) throw new Error('the cluster did not start');
  return cluster;
}

it('starts 3 masters with a replica each, covering every slot', async () => {
  const masters = await started().masters();
  expect(masters).toHaveLength(3);
  expect(coversAllSlots(masters.flatMap((master) => master.slots))).toBe(true);
  for (const master of masters) expect(master.replicas).toHaveLength(1);
  expect(started().nodes).toHaveLength(6);
  expect(started().nodesEnv().split(',')).toEqual(started().nodes.map(({ port }) => `127.0.0.1:${port}`));
}, 60_000);

it('spreads keys over every master, and serves a killed master’s slots after failover', async () => {
  const harness = started();
  const client = harness.client();
  const keys = Array.from({ length: 300 }, (_, index) => `{tag-${index}}:key`);
  await Promise.all(keys.map((key) => client.set(key, `value ${key}`)));
  expect(await Promise.all(keys.map((key) => client.get(key)))).toEqual(keys.map((key) => `value ${key}`));

  const masters = await harness.masters();
  for (const master of masters) {
    expect(await harness.nodeClient(master.port).dbsize()).toBeGreaterThan(0);
  }

  // Replication is asynchronous: without this the kill could lose the last writes.
  await harness.waitForReplicasInSync();
  const victim = masters[0]!;
  const victimKeys = await harness.nodeClient(victim.port).keys('*');
  await harness.killNode(victim.port);
  const promoted = await harness.waitForFailover(victim.port);
  expect(victim.replicas).toContain(promoted);

  expect(await Promise.all(victimKeys.map((key) => client.get(key)))).toEqual(
    victimKeys.map((key) => `value ${key}`),
  );
  // The same hash tag puts each new key in one of the dead master's slots.
  await Promise.all(victimKeys.map((key) => client.set(`${key}:after`, 'after')));
  expect(await Promise.all(victimKeys.map((key) => client.get(`${key}:after`)))).toEqual(
    victimKeys.map(() => 'after'),
  );
  expect(await harness.nodeClient(promoted).dbsize()).toBe(victimKeys.length * 2);

  // Back from its nodes.conf, the old master follows the one that replaced it.
  await harness.restartNode(victim.port);
  const role = await harness.nodeClient(victim.port).role();
  expect(role.slice(0, 3)).toEqual(['slave', '127.0.0.1', promoted]);
}, 60_000);
