import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { createRedisDeliveryStore } from '../../../src/delivery';
import { createKeySpace } from '../../../src/queues';
import { freePort } from '../../../src/runtime';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { TestRedis, uniquePrefix } from '../../support/test-redis';

const ADMIN_KEY = 'shutdown-test-admin-key-01';

it('on SIGTERM: refuses new events with 503, finishes the delivery in flight, exits 0', async () => {
  const redis = await TestRedis.start();
  const sink = await LocalSink.start();
  sink.respond = () => ({ status: 200, delayMs: 1500 });
  const port = await freePort();
  const prefix = uniquePrefix('shutdown');
  const child = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(__dirname, '../../../src/main.ts')],
    {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        KEY_PREFIX: prefix,
        LOG_LEVEL: 'silent',
        ADMIN_API_KEY: ADMIN_KEY,
        ALLOW_SINK_CIDRS: '127.0.0.0/8',
        SHUTDOWN_GRACE_MS: '10000',
      },
      stdio: 'ignore',
    },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const base = `http://127.0.0.1:${port}`;
    await eventually(
      () =>
        request(base)
          .get('/readyz')
          .catch(() => ({ status: 0 })),
      (res) => res.status === 200,
      15_000,
      100,
    );
    const created = await request(base)
      .post('/subscriptions')
      .set('authorization', `Bearer ${ADMIN_KEY}`)
      .send({ sink: sink.url });
    expect(created.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const event = { specversion: '1.0', id: 'in-flight', source: '/shutdown', type: 'shutdown.test' };
    const post = () =>
      request(base)
        .post('/events')
        .set('content-type', 'application/cloudevents+json')
        .send(JSON.stringify(event));
    expect((await post()).status).toBe(202);
    await eventually(
      () => sink.received.length,
      (n) => n === 1,
    );

    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await post();
    expect(during.status).toBe(503);
    expect(during.body.code).toBe('shutting_down');

    expect(await exited).toBe(0);
    const deliveries = createRedisDeliveryStore(redis.client(), createKeySpace(prefix).deliveries, {
      delivered: 60,
      failed: 60,
    });
    const { items } = await deliveries.list({ limit: 10 });
    expect(items.map((d) => [d.eventId, d.status])).toEqual([['in-flight', 'delivered']]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await sink.close();
    await redis.stop();
  }
}, 40_000);
