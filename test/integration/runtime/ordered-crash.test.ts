import request from 'supertest';
import { freePort } from '../../../src/runtime';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { RELAY_ADMIN_KEY, startRelayProcess, type RelayProcess } from '../../support/relay-process';
import { TestRedis, uniquePrefix } from '../../support/test-redis';

const KEYS = 50;
const PER_KEY = 40;

/** A small seeded generator: the same "random" failures and delays on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

it('delivers every key in acknowledgement order with two workers, one of them SIGKILLed halfway', async () => {
  const redis = await TestRedis.start();
  const sink = await LocalSink.start();
  const random = seeded(42);
  const seen = new Set<string>();
  /** Per key, the events' numbers in the order of their first successful receipt. */
  const firstSuccess = new Map<string, number[]>();
  let failures = 0;
  sink.respond = (request) => {
    const event = JSON.parse(request.body) as { source: string; data?: { key: string; n: number } };
    if (!event.data) return { status: 204 }; // a probe
    const webhookId = String(request.headers['webhook-id']);
    const first = !seen.has(webhookId);
    seen.add(webhookId);
    // 30 % of first attempts answer 500; every answer takes 0-50 ms.
    const status = first && random() < 0.3 ? 500 : 204;
    if (status === 500) failures++;
    else {
      const list = firstSuccess.get(event.data.key) ?? [];
      if (!list.includes(event.data.n)) list.push(event.data.n);
      firstSuccess.set(event.data.key, list);
    }
    return { status, delayMs: Math.floor(random() * 50) };
  };
  const env = { REDIS_URL: redis.url, KEY_PREFIX: uniquePrefix('ordered-crash'), WORKER_LOCK_MS: '2000' };
  const processes: RelayProcess[] = [];
  const start = async (role: 'api' | 'worker') => {
    const port = await freePort();
    const started = startRelayProcess(port, { ...env, ROLE: role, METRICS_PORT: String(port) });
    processes.push(started);
    await started.ready();
    return started;
  };
  try {
    const api = await start('api');
    const [doomed] = [await start('worker'), await start('worker')];
    const created = await request(api.base)
      .post('/subscriptions')
      .set('authorization', `Bearer ${RELAY_ADMIN_KEY}`)
      .send({
        sink: sink.url,
        delivery: { ordering: 'key', maxInFlight: 20, timeoutMs: 2000, retrySchedule: [1, 1, 1, 1, 1] },
      });
    expect(created.status).toBe(201);
    await api.routesTo(sink);

    // Each key's events one after the other (each after the last one's 202), keys at once over
    // several connections; one worker is killed once half the events are acknowledged.
    let acknowledged = 0;
    const posting = Promise.all(
      Array.from({ length: KEYS }, async (_, k) => {
        for (let n = 0; n < PER_KEY; n++) {
          const res = await request(api.base)
            .post('/events')
            .set('content-type', 'application/cloudevents+json')
            .send(
              JSON.stringify({
                specversion: '1.0',
                type: 'order.statuschanged',
                id: `k${k}-${n}`,
                source: `/orders/k${k}`,
                datacontenttype: 'application/json',
                data: { key: `k${k}`, n },
              }),
            );
          expect(res.status).toBe(202);
          if (++acknowledged === (KEYS * PER_KEY) / 2) doomed.child.kill('SIGKILL');
        }
      }),
    );
    await posting;
    await doomed.exited;

    const total = await eventually(
      () => [...firstSuccess.values()].reduce((sum, list) => sum + list.length, 0),
      (n) => n === KEYS * PER_KEY,
      120_000,
      250,
    );
    expect(total).toBe(KEYS * PER_KEY);
    const inOrder = Array.from({ length: PER_KEY }, (_, n) => n);
    for (let k = 0; k < KEYS; k++) expect(firstSuccess.get(`k${k}`)).toEqual(inOrder);
    expect(failures).toBeGreaterThan(0);
  } finally {
    for (const started of processes) started.child.kill('SIGKILL');
    await Promise.all(processes.map((started) => started.exited));
    await sink.close();
    await redis.stop();
  }
}, 240_000);
