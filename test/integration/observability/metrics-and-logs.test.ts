import request from 'supertest';
import { loadConfig } from '../../../src/config';
import { runService, type RunningService } from '../../../src/runtime';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { captureLogs } from '../../support/log-capture';
import { sample as seriesValue } from '../../support/prometheus-text';
import { TestRedis, uniquePrefix } from '../../support/test-redis';

// An API process and a worker-only process, as compose runs them: a scripted scenario, then
// what each one's /metrics and log lines say of it.
const ADMIN = 'observability-admin-key-0001';

/** The value of one series in Prometheus text; 0 when the series is not there. */
const sample = (text: string, series: string) => seriesValue(text, series) ?? 0;

let redis: TestRedis;
let api: RunningService;
let worker: RunningService;
const apiLog = captureLogs();
const workerLog = captureLogs();
const sinks: LocalSink[] = [];

beforeAll(async () => {
  redis = await TestRedis.start();
  const env = {
    REDIS_URL: redis.url,
    KEY_PREFIX: uniquePrefix('observe'),
    HOST: '127.0.0.1',
    PORT: '0',
    ADMIN_API_KEY: ADMIN,
    ALLOW_SINK_CIDRS: '127.0.0.0/8',
    SUBSCRIPTION_POLL_MS: '200',
  };
  api = await runService(loadConfig({ ...env, ROLE: 'api' }), apiLog.logger);
  worker = await runService(loadConfig({ ...env, ROLE: 'worker', METRICS_PORT: '0' }), workerLog.logger);
});
afterAll(async () => {
  await worker.close();
  await api.close();
  await Promise.all(sinks.map((sink) => sink.close()));
  await redis.stop();
});

const apiBase = () => `http://127.0.0.1:${api.port}`;
const opsBase = () => `http://127.0.0.1:${worker.opsPort}`;
const admin = (method: 'get' | 'post' | 'patch', path: string) =>
  request(apiBase())[method](path).set('authorization', `Bearer ${ADMIN}`);

async function sinkAnswering(status: number) {
  const sink = await LocalSink.start();
  sink.respond = () => ({ status });
  sinks.push(sink);
  return sink;
}

async function subscribe(name: string, sink: LocalSink) {
  const res = await admin('post', '/subscriptions').send({
    sink: sink.url,
    types: ['observe.t'],
    delivery: { retrySchedule: Array(30).fill(1) },
  });
  expect(res.status).toBe(201);
  const { id, updatedAt } = res.body as { id: string; updatedAt: string };
  await eventually(
    () => worker.workerSubscription(id)?.updatedAt,
    (seen) => seen !== undefined && seen >= updatedAt,
  );
  return { name, id, sink };
}

const detail = async (subscriptionId: string) => {
  const [listed] = (await admin('get', `/deliveries?subscription=${subscriptionId}`)).body as {
    id: string;
  }[];
  if (!listed) return undefined;
  return (await admin('get', `/deliveries/${listed.id}`)).body as {
    id: string;
    status: string;
    attempts: { outcome: string; statusCode?: number }[];
  };
};

it('says in metrics and log lines what happened to each event and delivery', async () => {
  const ok = await subscribe('ok', await sinkAnswering(204));
  const flaky = await subscribe('flaky', await sinkAnswering(503));
  const dead = await subscribe('dead', await sinkAnswering(404));
  const gone = await subscribe('gone', await sinkAnswering(410));
  const event = { specversion: '1.0', id: 'observed-1', source: '/observe', type: 'observe.t' };
  const post = (body: unknown) =>
    request(apiBase())
      .post('/events')
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify(body));

  expect((await post(event)).status).toBe(202);
  expect((await post(event)).status).toBe(202); // a repeat
  expect((await post({ ...event, id: '' })).status).toBe(400);

  // ok is delivered, dead and gone have failed for good (gone also disabled its subscription),
  // flaky is pending, retrying: the backlog gauges say so.
  await eventually(
    async () => Promise.all([ok, dead, gone].map(async (s) => (await detail(s.id))?.status)),
    (statuses) => statuses.join() === 'delivered,failed,failed',
    15_000,
    50,
  );
  await eventually(
    () => flaky.sink.deliveries.length,
    (n) => n >= 1,
  );
  const during = (await request(opsBase()).get('/metrics')).text;
  expect(sample(during, 'cerelay_deliveries_pending')).toBe(1);
  expect(sample(during, `cerelay_subscription_backlog{subscription="${flaky.id}"}`)).toBe(1);
  expect(sample(during, 'cerelay_delivery_oldest_pending_age_seconds')).toBeGreaterThan(0);
  // flaky's retry job: delayed, or (between two attempts) waiting or active.
  const deliverJobs = ['delayed', 'waiting', 'active'].map((state) =>
    sample(during, `cerelay_queue_jobs{queue="deliver",state="${state}"}`),
  );
  expect(deliverJobs.reduce((a, b) => a + b)).toBe(1);

  // The sink of flaky recovers; dead's delivery is replayed once its sink is fixed.
  flaky.sink.respond = () => ({ status: 204 });
  await eventually(
    async () => (await detail(flaky.id))?.status,
    (status) => status === 'delivered',
    15_000,
    50,
  );
  dead.sink.respond = () => ({ status: 204 });
  const deadDelivery = (await detail(dead.id))!;
  expect((await admin('post', `/deliveries/${deadDelivery.id}/replay`)).status).toBe(202);
  await eventually(
    async () => (await detail(dead.id))?.status,
    (status) => status === 'delivered',
    15_000,
    50,
  );

  // The API counts what it received and what it replayed.
  const apiMetrics = (await request(apiBase()).get('/metrics')).text;
  expect(sample(apiMetrics, 'cerelay_events_received_total{outcome="accepted"}')).toBe(1);
  expect(sample(apiMetrics, 'cerelay_events_received_total{outcome="duplicate"}')).toBe(1);
  expect(sample(apiMetrics, 'cerelay_events_received_total{outcome="rejected",reason="invalid"}')).toBe(1);
  expect(sample(apiMetrics, 'cerelay_ingest_duration_seconds_count')).toBe(2);
  expect(sample(apiMetrics, 'cerelay_replays_total{kind="one"}')).toBe(1);

  // The worker counts every attempt the records hold, by outcome and class.
  const records = await Promise.all([ok, flaky, dead, gone].map(async (s) => (await detail(s.id))!));
  const attempts = records.flatMap((r) => r.attempts);
  const count = (outcome: string, statusClass: string) =>
    attempts.filter((a) => a.outcome === outcome && `${Math.floor(a.statusCode! / 100)}xx` === statusClass)
      .length;
  const workerMetrics = (await request(opsBase()).get('/metrics')).text;
  for (const [outcome, statusClass] of [
    ['delivered', '2xx'],
    ['retry', '5xx'],
    ['failed', '4xx'],
  ] as const) {
    const series = `cerelay_delivery_attempts_total{outcome="${outcome}",status_class="${statusClass}"}`;
    expect([series, sample(workerMetrics, series)]).toEqual([series, count(outcome, statusClass)]);
  }
  expect(count('delivered', '2xx')).toBe(3);
  expect(count('failed', '4xx')).toBe(2);
  expect(count('retry', '5xx')).toBeGreaterThanOrEqual(1);
  expect(sample(workerMetrics, 'cerelay_dead_letters_total')).toBe(2);
  expect(sample(workerMetrics, 'cerelay_subscriptions_disabled_total')).toBe(1);
  expect(sample(workerMetrics, 'cerelay_delivery_latency_seconds_count{attempt="first"}')).toBe(1);
  expect(sample(workerMetrics, 'cerelay_delivery_latency_seconds_count{attempt="retry"}')).toBe(2);
  expect(sample(workerMetrics, 'cerelay_delivery_attempt_duration_seconds_count{status_class="2xx"}')).toBe(
    3,
  );
  expect((await request(opsBase()).get('/healthz')).status).toBe(200);
  expect((await request(opsBase()).get('/readyz')).status).toBe(200);

  // One log line per attempt, with what an operator needs to find it.
  const attemptLines = workerLog.lines.filter((l) => l.msg === 'delivery attempt');
  expect(attemptLines).toHaveLength(attempts.length);
  expect(attemptLines.every((l) => l.level === 30)).toBe(true);
  const goneLine = attemptLines.find((l) => l.subscriptionId === gone.id)!;
  expect(goneLine).toMatchObject({
    deliveryId: records[3]!.id,
    eventId: 'observed-1',
    eventType: 'observe.t',
    tenant: 'default',
    round: 0,
    attempt: 1,
    outcome: 'failed',
    statusCode: 410,
    error: 'the sink answered 410 Gone',
    durationMs: expect.any(Number),
  });
  const retryLine = attemptLines.find((l) => l.subscriptionId === flaky.id && l.outcome === 'retry')!;
  expect(retryLine).toMatchObject({ statusCode: 503, nextAttemptAt: expect.any(String) });
  const deadLetters = workerLog.lines.filter((l) => String(l.msg).startsWith('delivery failed for good'));
  expect(deadLetters.map((l) => [l.level, l.subscriptionId]).sort()).toEqual(
    [
      [40, dead.id],
      [40, gone.id],
    ].sort(),
  );
  expect(
    workerLog.lines.filter((l) => l.msg === 'disabling subscription').map((l) => l.subscriptionId),
  ).toEqual([gone.id]);
  const replayLine = apiLog.lines.find((l) => l.msg === `delivery ${deadDelivery.id} replayed (round 1)`);
  expect(replayLine).toMatchObject({ level: 30, tenant: 'default', deliveryId: deadDelivery.id, round: 1 });
  // Management requests are logged at info, ingest not (it is at debug); no key in any line.
  expect(apiLog.lines.some((l) => l.msg === `POST /deliveries/${deadDelivery.id}/replay 202`)).toBe(true);
  expect(apiLog.lines.some((l) => l.path === '/events')).toBe(false);
  expect(JSON.stringify([...apiLog.lines, ...workerLog.lines])).not.toContain(ADMIN);
}, 60_000);
