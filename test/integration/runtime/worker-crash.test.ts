import request from 'supertest';
import { createRedisDeliveryStore } from '../../../src/delivery';
import { createKeySpace } from '../../../src/queues';
import { freePort } from '../../../src/runtime';
import { eventually } from '../../support/eventually';
import {
  PROBE_SOURCE,
  RELAY_ADMIN_KEY,
  startRelayProcess,
  type RelayProcess,
} from '../../support/relay-process';
import { LocalSink } from '../../support/local-sink';
import { TestRedis, uniquePrefix } from '../../support/test-redis';

it('after a worker is SIGKILLed mid-delivery, a new one completes every delivery', async () => {
  const redis = await TestRedis.start();
  const sink = await LocalSink.start();
  sink.respond = () => ({ status: 200, delayMs: 500 });
  const prefix = uniquePrefix('crash');
  const port = await freePort();
  const env = { REDIS_URL: redis.url, KEY_PREFIX: prefix, WORKER_LOCK_MS: '2000' };
  const first = startRelayProcess(port, env);
  const base = first.base;
  let second: RelayProcess | undefined;
  try {
    await first.ready();
    const created = await request(base)
      .post('/subscriptions')
      .set('authorization', `Bearer ${RELAY_ADMIN_KEY}`)
      .send({ sink: sink.url, delivery: { timeoutMs: 2000, retrySchedule: [1, 1, 1] } });
    expect(created.status).toBe(201);
    await first.routesTo(sink);
    const batch = Array.from({ length: 30 }, (_, i) => ({
      specversion: '1.0',
      id: `crash-${i}`,
      source: '/crash',
      type: 'crash.test',
    }));
    const posted = await request(base)
      .post('/events')
      .set('content-type', 'application/cloudevents-batch+json')
      .send(JSON.stringify(batch));
    expect(posted.status).toBe(202);

    await eventually(
      () => crashEvents(sink).length,
      (n) => n >= 5,
      10_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    second = startRelayProcess(port, env);
    await second.ready();

    const deliveries = createRedisDeliveryStore(redis.client(), createKeySpace(prefix).deliveries, {
      delivered: 60,
      failed: 60,
    });
    const done = await eventually(
      async () =>
        (await deliveries.list({ tenant: 'default', limit: 100 })).items.filter(
          (d) => d.eventSource !== PROBE_SOURCE,
        ),
      (items) => items.length === 30 && items.every((d) => d.status === 'delivered'),
      30_000,
      200,
    );
    expect(done.map((d) => d.status)).toEqual(Array(30).fill('delivered'));
    // Every event reached the sink; any that arrived twice carried the same webhook-id both times.
    const byEvent = new Map<string, Set<string>>();
    for (const r of crashEvents(sink)) {
      const id = (JSON.parse(r.body) as { id: string }).id;
      byEvent.set(id, (byEvent.get(id) ?? new Set()).add(String(r.headers['webhook-id'])));
    }
    expect(byEvent.size).toBe(30);
    expect([...byEvent.values()].every((ids) => ids.size === 1)).toBe(true);
  } finally {
    first.child.kill('SIGKILL');
    second?.child.kill('SIGKILL');
    await Promise.all([first.exited, second?.exited]);
    await sink.close();
    await redis.stop();
  }
}, 60_000);

function crashEvents(sink: LocalSink) {
  return sink.deliveries.filter((r) => !r.body.includes(PROBE_SOURCE));
}
