import request from 'supertest';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

it('Redis killed under load and restarted (AOF always): every event that got 202 is delivered', async () => {
  // Jobs whose worker lost Redis go back to the queue after WORKER_LOCK_MS.
  const harness = await ServiceHarness.start(
    { ENQUEUE_TIMEOUT_MS: '1000', WORKER_LOCK_MS: '2000' },
    undefined,
    {
      appendfsync: 'always',
    },
  );
  const sink = await LocalSink.start();
  try {
    await harness.subscribe({ sink: sink.url, types: ['crash.load'] });
    const outcomes = new Map<string, number>();
    let next = 0;
    const post = async (id: string) => {
      const res = await request(harness.base)
        .post('/events')
        .set('content-type', 'application/cloudevents+json')
        .send(JSON.stringify({ specversion: '1.0', id, source: '/load', type: 'crash.load' }))
        .catch(() => ({ status: 0 }));
      outcomes.set(id, res.status);
    };
    let restarted = false;
    const acceptedAfterRestart = () =>
      [...outcomes.values()].filter((s) => s === 202).length - acceptedBeforeKill;
    let acceptedBeforeKill = 0;
    const deadline = Date.now() + 20_000;
    const load = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < deadline && !(restarted && acceptedAfterRestart() >= 100)) {
          await post(`load-${next++}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }),
    );
    await eventually(
      () => outcomes.size,
      (n) => n >= 100,
    );
    await harness.redis.kill();
    acceptedBeforeKill = [...outcomes.values()].filter((s) => s === 202).length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await harness.redis.restart();
    restarted = true;
    await load;

    const statuses = [...outcomes.values()];
    expect(statuses.every((s) => s === 202 || s === 503)).toBe(true);
    const accepted = [...outcomes].filter(([, s]) => s === 202).map(([id]) => id);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(150);

    const received = () => new Set(sink.deliveries.map((r) => (JSON.parse(r.body) as { id: string }).id));
    await eventually(received, (ids) => accepted.every((id) => ids.has(id)), 30_000, 200);
    const lost = accepted.filter((id) => !received().has(id));
    expect(lost).toEqual([]);
  } finally {
    await harness.stop();
    await sink.close();
  }
}, 60_000);
