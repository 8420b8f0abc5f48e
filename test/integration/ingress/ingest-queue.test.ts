import request from 'supertest';
import {
  createBullmqIngestQueue,
  createIngestWorker,
  createRedisConnection,
  createRedisIngestSetAside,
  makeIngestItem,
  type IngestItem,
} from '../../../src/queues';
import { eventProblem } from '../../../src/ingress';
import { occurrenceKey, type CloudEvent } from '../../../src/events';
import { buildRedisIngestApp, type RedisIngestApp } from '../../support/redis-ingest-app';
import { TestRedis } from '../../support/test-redis';
import { aoStatusChangedEvent, intentWebhookItem, interventionSeed } from '../../fixtures/seed-events';
import { makeEvent } from '../../fixtures/make-event';

let redis: TestRedis;
let ctx: RedisIngestApp;

beforeAll(async () => {
  // `always`: a test here kills Redis right after a 202 and expects the event back. Under
  // `everysec`, Redis holds its AOF writes back for up to 2 s while a slow fsync is under way
  // (seen once with the whole suite running): the killed process then loses acknowledged writes.
  redis = await TestRedis.start({ appendfsync: 'always' });
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  ctx = await buildRedisIngestApp(redis, 'ingest');
});
afterEach(async () => {
  await ctx.close();
});

const post = (contentType: string, body: unknown) =>
  request(ctx.app)
    .post('/events')
    .set('content-type', contentType)
    .send(typeof body === 'string' ? body : JSON.stringify(body));

describe('ingest over a real Redis', () => {
  it('queues a binary-mode event', async () => {
    const res = await request(ctx.app)
      .post('/events')
      .set({
        'ce-specversion': '1.0',
        'ce-id': 'bin-1',
        'ce-source': '/tenants/1/orders/x',
        'ce-type': 'ao.order.statuschanged',
        'content-type': 'application/json',
      })
      .send('{"resourceReference":"/tenants/1/orders/x"}');
    expect(res.status).toBe(202);
    const [job] = await ctx.waitingJobs();
    expect(job).toMatchObject({
      via: 'binary',
      event: { id: 'bin-1', data: { resourceReference: '/tenants/1/orders/x' } },
    });
  });

  it('queues a structured-mode event sent with a charset parameter', async () => {
    expect((await post('application/cloudevents+json; charset=utf-8', makeEvent())).status).toBe(202);
    expect(await ctx.waitingJobs()).toHaveLength(1);
  });

  it('queues every event of a batch, in one go', async () => {
    const batch = [makeEvent({ id: 'a' }), makeEvent({ id: 'b' }), makeEvent({ id: 'c' })];
    const res = await post('application/cloudevents-batch+json', batch);
    expect(res.body).toMatchObject({ accepted: 3, duplicates: 0 });
    expect((await ctx.waitingJobs()).map((j) => j.event.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('queues a batch of 250 events in jobs of at most 100 events', async () => {
    const batch = Array.from({ length: 250 }, (_, i) => makeEvent({ id: `big-${i}` }));
    const res = await post('application/cloudevents-batch+json', batch);
    expect(res.body).toMatchObject({ accepted: 250, duplicates: 0 });
    expect(await ctx.waitingJobs()).toHaveLength(250);
    const jobs = await ctx.queue.getJobs(['waiting'], 0, -1, true);
    expect(jobs.map((job) => (job.data as { items: unknown[] }).items.length).sort((a, b) => b - a)).toEqual([
      100, 100, 50,
    ]);
  });

  it('queues nothing from a batch with one invalid event', async () => {
    const res = await post('application/cloudevents-batch+json', [
      makeEvent({ id: 'a' }),
      makeEvent({ id: '' }),
    ]);
    expect(res.status).toBe(400);
    expect(await ctx.waitingJobs()).toHaveLength(0);
  });

  it('holds every seed event exactly once, however often it is posted', async () => {
    const items = interventionSeed.map((body, i) =>
      intentWebhookItem(body, `5f0c7a8e-1b2c-4d3e-8f90-00000000000${i}`),
    );
    for (let round = 0; round < 2; round++) {
      const ao = await post('application/cloudevents+json', aoStatusChangedEvent());
      const bare = await request(ctx.app).post('/events/intent').send(JSON.stringify(interventionSeed));
      const wrapped = await request(ctx.app).post('/events/intent').send(JSON.stringify(items));
      expect([ao.status, bare.status, wrapped.status]).toEqual([202, 202, 202]);
      const expectedDuplicates = round === 0 ? [0, 0, 0] : [1, 5, 5];
      expect([ao.body.duplicates, bare.body.duplicates, wrapped.body.duplicates]).toEqual(expectedDuplicates);
    }
    const jobs = await ctx.waitingJobs();
    expect(jobs).toHaveLength(11);
    expect(new Set(jobs.map((j) => j.key)).size).toBe(11);
    const types = jobs.map((j) => j.event.type).sort();
    expect(types.filter((t) => t === 'intent.intervention.occupant_absent')).toHaveLength(4);
    expect(types).toContain('ao.order.statuschanged');
  });

  it('lets exactly one of 50 concurrent identical requests in', async () => {
    const event = aoStatusChangedEvent({ id: 'concurrent-1' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post('application/cloudevents+json', event)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(responses.filter((r) => r.body.duplicates === 0)).toHaveLength(1);
    expect(await ctx.waitingJobs()).toHaveLength(1);
  });

  it('treats a repeat inside one batch as a duplicate', async () => {
    const res = await post('application/cloudevents-batch+json', [makeEvent(), makeEvent()]);
    expect(res.body.events.map((e: { duplicate: boolean }) => e.duplicate)).toEqual([false, true]);
    expect(await ctx.waitingJobs()).toHaveLength(1);
  });

  it('answers 503 while Redis is down, and 202 again once it is back', async () => {
    expect((await post('application/cloudevents+json', makeEvent({ id: 'before' }))).status).toBe(202);
    await redis.kill();
    const down = await post('application/cloudevents+json', makeEvent({ id: 'during' }));
    expect(down.status).toBe(503);
    expect(down.headers['retry-after']).toBe('5');
    expect(down.body.code).toBe('redis_unavailable');

    await redis.restart();
    let res = down;
    for (let i = 0; i < 50 && res.status !== 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      res = await post('application/cloudevents+json', makeEvent({ id: 'during' }));
    }
    expect(res.status).toBe(202);
    expect(res.body.duplicates).toBe(0);
    expect((await ctx.waitingJobs()).map((j) => j.event.id).sort()).toEqual(['before', 'during']);
  });
});

describe('an event whose job was stored but not claimed (the request got a 503)', () => {
  const orphan = makeEvent({ id: 'orphan-1' });
  const item = makeIngestItem(orphan as unknown as CloudEvent, 'structured', 'default', new Date());

  /** Runs an ingest worker until the queue is empty; answers the errors of the jobs that failed. */
  async function runWorker(process: (work: IngestItem) => Promise<void>): Promise<string[]> {
    const failed: string[] = [];
    const connection = createRedisConnection(redis.url, 'worker');
    const worker = createIngestWorker({
      connection,
      prefix: ctx.keys.bullPrefix,
      concurrency: 4,
      claims: ctx.claims,
      check: eventProblem,
      setAside: createRedisIngestSetAside(redis.client(), ctx.keys.ingestSetAside),
      process,
      onFailed: (_jobId, error) => failed.push(error.message),
    });
    await new Promise<void>((resolve) => worker.on('drained', () => resolve()));
    await worker.close();
    connection.disconnect();
    return failed;
  }

  /** Runs an ingest worker until the queue is empty; answers the keys it processed. */
  async function drain(): Promise<string[]> {
    const processed: string[] = [];
    await runWorker(async (work) => {
      processed.push(work.key);
    });
    return processed;
  }

  it('is processed once, by the sender retry, when that comes first', async () => {
    await ctx.queue.add('events', { v: 2, items: [item] }, { jobId: 'stored-unclaimed' });
    const retry = await post('application/cloudevents+json', orphan);
    expect(retry.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await drain()).toEqual([retry.body.events[0].key]);
  });

  it('is processed once, by its own job, when the worker comes first', async () => {
    await ctx.queue.add('events', { v: 2, items: [item] }, { jobId: 'stored-unclaimed' });
    const occurrence = occurrenceKey(item.key, 'stored-unclaimed');
    expect(await drain()).toEqual([occurrence]);
    const retry = await post('application/cloudevents+json', orphan);
    expect(retry.body).toMatchObject({ accepted: 1, duplicates: 1, events: [{ key: occurrence }] });
    expect(await drain()).toEqual([]);
  });

  it('a claim that fails once the job is stored fails the enqueue (a 503), and the job still processes the event', async () => {
    const queue = createBullmqIngestQueue({
      connection: ctx.connection,
      prefix: ctx.keys.bullPrefix,
      claims: {
        claim: async () => {
          throw new Error('Connection is closed.');
        },
      },
    });
    await expect(queue.enqueue([item])).rejects.toThrow('Connection is closed.');
    await queue.close();
    const [stored] = await ctx.queue.getJobs(['wait']);
    expect(await drain()).toEqual([occurrenceKey(item.key, stored!.id!)]);
  });

  it('a job with an event that fails is failed (to run again) once its other events are processed', async () => {
    const other = makeIngestItem(
      makeEvent({ id: 'other-1' }) as unknown as CloudEvent,
      'batched',
      'default',
      new Date(),
    );
    await ctx.queue.add('events', { v: 2, items: [item, other] }, { jobId: 'half-failing' });
    const processed: string[] = [];
    const failed = await runWorker(async (work) => {
      if (work.key === occurrenceKey(item.key, 'half-failing')) throw new Error('upstream store refused');
      processed.push(work.key);
    });
    expect(processed).toEqual([occurrenceKey(other.key, 'half-failing')]);
    expect(failed).toEqual(['upstream store refused']);
  });

  it('sets aside, recorded, an item that breaks the contract, and processes the others of its job', async () => {
    const good = (id: string) =>
      makeIngestItem(makeEvent({ id }) as unknown as CloudEvent, 'batched', 'default', new Date());
    const [a, b] = [good('aside-a'), good('aside-b')];
    const poison = { ...good('aside-poison'), event: { specversion: '1.0', type: 't' } };
    const invalid = { ...good('aside-invalid'), event: { ...good('x').event, time: 'lunchtime' } };
    await ctx.queue.add('events', { v: 2, items: [a, poison, invalid, b] }, { jobId: 'with-poison' });
    const processed: string[] = [];
    const failed = await runWorker(async (work) => {
      processed.push(work.key);
    });
    expect(failed).toEqual([]);
    expect(processed.sort()).toEqual(
      [occurrenceKey(a.key, 'with-poison'), occurrenceKey(b.key, 'with-poison')].sort(),
    );
    const setAside = (await redis.client().lrange(ctx.keys.ingestSetAside, 0, -1)).map(
      (entry) => JSON.parse(entry) as { jobId: string; index: number; reason: string },
    );
    expect(setAside.map((e) => [e.jobId, e.index]).sort()).toEqual([
      ['with-poison', 1],
      ['with-poison', 2],
    ]);
    expect(setAside.find((e) => e.index === 2)!.reason).toMatch(/time/);
  });
});
