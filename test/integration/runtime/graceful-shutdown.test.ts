import request from 'supertest';
import { createRedisDeliveryStore } from '../../../src/delivery';
import { createKeySpace } from '../../../src/queues';
import { freePort } from '../../../src/runtime';
import { eventually } from '../../support/eventually';
import { PROBE_SOURCE, RELAY_ADMIN_KEY, startRelayProcess } from '../../support/relay-process';
import { LocalSink } from '../../support/local-sink';
import { TestRedis, uniquePrefix } from '../../support/test-redis';

it('on SIGTERM: refuses new events with 503, finishes the delivery in flight, exits 0', async () => {
  const redis = await TestRedis.start();
  const sink = await LocalSink.start();
  sink.respond = () => ({ status: 200, delayMs: 1500 });
  const port = await freePort();
  const prefix = uniquePrefix('shutdown');
  const relay = startRelayProcess(port, {
    REDIS_URL: redis.url,
    KEY_PREFIX: prefix,
    SHUTDOWN_GRACE_MS: '10000',
  });
  const { child, exited, base } = relay;
  try {
    await relay.ready();
    const created = await request(base)
      .post('/subscriptions')
      .set('authorization', `Bearer ${RELAY_ADMIN_KEY}`)
      .send({ sink: sink.url });
    expect(created.status).toBe(201);
    await relay.routesTo(sink);
    const event = { specversion: '1.0', id: 'in-flight', source: '/shutdown', type: 'shutdown.test' };
    const post = () =>
      request(base)
        .post('/events')
        .set('content-type', 'application/cloudevents+json')
        .send(JSON.stringify(event));
    expect((await post()).status).toBe(202);
    await eventually(
      () => sink.deliveries.filter((r) => !r.body.includes(PROBE_SOURCE)).length,
      (n) => n === 1,
    );

    child.kill('SIGTERM');
    // A draining process is not ready (a load balancer stops sending to it), and refuses events.
    const readyz = await eventually(
      () => request(base).get('/readyz'),
      (res) => res.status === 503,
    );
    expect(readyz.body.checks.accepting).toBe(false);
    const during = await post();
    expect(during.status).toBe(503);
    expect(during.body.code).toBe('shutting_down');

    expect(await exited).toBe(0);
    const deliveries = createRedisDeliveryStore(redis.client(), createKeySpace(prefix).deliveries, {
      delivered: 60,
      failed: 60,
    });
    const { items } = await deliveries.list({ tenant: 'default', limit: 10 });
    expect(items.filter((d) => d.eventSource !== PROBE_SOURCE).map((d) => [d.eventId, d.status])).toEqual([
      ['in-flight', 'delivered'],
    ]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await sink.close();
    await redis.stop();
  }
}, 40_000);
