import request from 'supertest';
import { freePort } from '../../../src/runtime';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { RELAY_ADMIN_KEY, startRelayProcess, type RelayProcess } from '../../support/relay-process';
import { TestCluster } from '../../support/test-cluster';
import { uniquePrefix } from '../../support/test-redis';

const EVENTS = 5_000;
const SHARDS = 16;

let cluster: TestCluster | undefined;
const processes: RelayProcess[] = [];
const sinks: LocalSink[] = [];

beforeAll(async () => {
  cluster = await TestCluster.start();
}, 60_000);
afterAll(async () => {
  for (const relay of processes) relay.child.kill('SIGKILL');
  await Promise.all(processes.map((relay) => relay.exited));
  await Promise.all(sinks.map((sink) => sink.close()));
  await cluster?.stop();
}, 60_000);

const admin = (base: string, method: 'get' | 'post', path: string) =>
  request(base)[method](path).set('authorization', `Bearer ${RELAY_ADMIN_KEY}`);

/** Every delivery of a subscription, through the API (it gathers them from every shard). */
async function listed(base: string, subscriptionId: string) {
  const all: { id: string; status: string }[] = [];
  let next: string | undefined = `/deliveries?subscription=${subscriptionId}&limit=200`;
  while (next) {
    const page = await admin(base, 'get', next);
    expect(page.status).toBe(200);
    all.push(...(page.body as typeof all));
    next = /<([^>]+)>; rel="next"/.exec(String(page.headers.link ?? ''))?.[1];
  }
  return all;
}

it(`spreads ${EVENTS} events over the masters of a cluster, each delivered once per subscription`, async () => {
  const redis = cluster!;
  const env = {
    REDIS_CLUSTER_NODES: redis.nodesEnv(),
    REDIS_SHARDS: String(SHARDS),
    KEY_PREFIX: uniquePrefix('cl'),
  };
  const apis = [
    startRelayProcess(await freePort(), { ...env, ROLE: 'api' }),
    startRelayProcess(await freePort(), { ...env, ROLE: 'api' }),
  ];
  processes.push(...apis);
  await Promise.all(apis.map((api) => api.ready()));

  const subscriptions: string[] = [];
  for (let i = 0; i < 3; i++) {
    const sink = await LocalSink.start();
    sinks.push(sink);
    const created = await admin(apis[i % 2]!.base, 'post', '/subscriptions').send({
      sink: sink.url,
      delivery: { timeoutMs: 30_000 },
    });
    expect(created.status).toBe(201);
    subscriptions.push(created.body.id as string);
  }
  // Started after the subscriptions exist: they route with all three from their first event.
  const workers = await Promise.all(
    [0, 1].map(async () => {
      const port = await freePort();
      return startRelayProcess(port, { ...env, ROLE: 'worker', METRICS_PORT: String(port) });
    }),
  );
  processes.push(...workers);
  await Promise.all(workers.map((worker) => worker.ready()));

  // 100 batches of 50, to either API; 500 sources, so the events spread over the shards.
  const batches = Array.from({ length: EVENTS / 50 }, (_, b) =>
    Array.from({ length: 50 }, (_, i) => ({
      specversion: '1.0',
      id: `cl-${b * 50 + i}`,
      source: `/cluster/src-${(b * 50 + i) % 500}`,
      type: 'cluster.test',
    })),
  );
  for (let b = 0; b < batches.length; b += 4) {
    const answers = await Promise.all(
      batches.slice(b, b + 4).map((batch, i) =>
        request(apis[(b + i) % 2]!.base)
          .post('/events')
          .set('content-type', 'application/cloudevents-batch+json')
          .send(JSON.stringify(batch)),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
  }

  const ids = (sink: LocalSink) =>
    new Set(sink.deliveries.map((r) => (JSON.parse(r.body) as { id: string }).id));
  const reached = await eventually(
    () => sinks.map((sink) => ids(sink).size),
    (counts) => counts.every((count) => count === EVENTS),
    300_000,
    500,
  );
  expect(reached).toEqual([EVENTS, EVENTS, EVENTS]);
  for (const id of subscriptions) {
    const deliveries = await listed(apis[0]!.base, id);
    expect(deliveries).toHaveLength(EVENTS);
    expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([]);
  }
  // Exactly once: no sink got an event twice.
  expect(sinks.map((sink) => sink.deliveries.length)).toEqual([EVENTS, EVENTS, EVENTS]);

  // Each master holds at least a fifth of the event records.
  const perMaster = await Promise.all(
    (await redis.masters()).map(async ({ port }) => {
      const node = redis.nodeClient(port);
      let count = 0;
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `{${env.KEY_PREFIX}:*}:event:*`, 'COUNT', 1000);
        count += keys.length;
        cursor = next;
      } while (cursor !== '0');
      return count;
    }),
  );
  expect(perMaster.reduce((sum, count) => sum + count, 0)).toBe(EVENTS);
  for (const count of perMaster) expect(count).toBeGreaterThanOrEqual(EVENTS * 0.2);
}, 600_000);
