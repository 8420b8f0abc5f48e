import request from 'supertest';
import { buildTestApp } from '../../support/build-test-app';
import { InMemoryIngestQueue } from '../../support/in-memory-ingest-queue';
import { aoStatusChangedEvent, interventionSeed } from '../../fixtures/seed-events';
import { makeEvent } from '../../fixtures/make-event';

const STRUCTURED = 'application/cloudevents+json';
const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
    type: expect.any(String),
  });
}

describe('POST /events', () => {
  it('answers 202 with each accepted id once the event is queued', async () => {
    const queue = new InMemoryIngestQueue();
    const res = await request(buildTestApp({ queue }))
      .post('/events')
      .set('content-type', STRUCTURED)
      .send(JSON.stringify(aoStatusChangedEvent()));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      accepted: 1,
      duplicates: 0,
      events: [
        {
          id: aoStatusChangedEvent().id,
          source: aoStatusChangedEvent().source,
          key: expect.stringMatching(/^[A-Za-z0-9_-]{20}$/),
          duplicate: false,
        },
      ],
    });
    expect(queue.items).toHaveLength(1);
  });

  it('answers 400 with every problem and queues nothing', async () => {
    const queue = new InMemoryIngestQueue();
    const res = await request(buildTestApp({ queue }))
      .post('/events')
      .set('content-type', STRUCTURED)
      .send(JSON.stringify(makeEvent({ id: undefined, time: 'lunchtime' })));
    expectProblem(res, 400, 'invalid_cloudevent');
    expect(res.body.problems).toEqual([
      { attribute: 'id', detail: 'is required' },
      { attribute: 'time', detail: 'must be an RFC 3339 timestamp with seconds and a time-zone offset' },
    ]);
    expect(queue.items).toHaveLength(0);
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await request(buildTestApp({ queue: new InMemoryIngestQueue(), maxBodyBytes: 100 }))
      .post('/events')
      .set('content-type', STRUCTURED)
      .send(JSON.stringify(makeEvent({ data: 'x'.repeat(200) })));
    expectProblem(res, 413, 'payload_too_large');
  });

  it('answers 415 for a content type that is no CloudEvent', async () => {
    const res = await request(buildTestApp({ queue: new InMemoryIngestQueue() }))
      .post('/events')
      .set('content-type', 'application/json')
      .send('{}');
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('answers 503 with Retry-After when the queue is unreachable', async () => {
    const queue = new InMemoryIngestQueue();
    queue.failWith = new Error("Stream isn't writeable and enableOfflineQueue options is false");
    const res = await request(buildTestApp({ queue }))
      .post('/events')
      .set('content-type', STRUCTURED)
      .send(JSON.stringify(makeEvent()));
    expectProblem(res, 503, 'redis_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    // The write may still land: the answer must not claim that nothing was taken.
    expect(res.body.detail).not.toMatch(/nothing was accepted/);
    expect(res.body.detail).toMatch(/may or may not have been taken.*repeats are recognised/);
  });

  describe('with sender credentials configured', () => {
    const credentials = { tokens: ['t0ken'], basic: ['ao:s3cret'] };

    it.each([
      ['no credentials', undefined],
      ['a wrong token', 'Bearer nope'],
      ['a wrong password', basic('ao:nope')],
    ])('answers 401 for %s, before reading the event', async (_label, authorization) => {
      const queue = new InMemoryIngestQueue();
      const req = request(buildTestApp({ queue, credentials }))
        .post('/events')
        .set('content-type', STRUCTURED);
      if (authorization) req.set('authorization', authorization);
      const res = await req.send('not even json');
      expectProblem(res, 401, 'unauthorized');
      expect(res.headers['www-authenticate']).toMatch(/Bearer/);
      expect(queue.items).toHaveLength(0);
    });

    it('accepts AO with HTTP Basic and a sender with a bearer token', async () => {
      const app = buildTestApp({ queue: new InMemoryIngestQueue(), credentials });
      const ao = await request(app)
        .post('/events')
        .set('authorization', basic('ao:s3cret'))
        .set('content-type', STRUCTURED)
        .send(JSON.stringify(aoStatusChangedEvent()));
      const other = await request(app)
        .post('/events')
        .set('authorization', 'Bearer t0ken')
        .set('content-type', STRUCTURED)
        .send(JSON.stringify(makeEvent()));
      expect([ao.status, other.status]).toEqual([202, 202]);
    });
  });
});

describe('POST /events/intent', () => {
  it('accepts the seed interventions as five events', async () => {
    const queue = new InMemoryIngestQueue();
    const res = await request(buildTestApp({ queue }))
      .post('/events/intent')
      .set('content-type', 'application/json')
      .send(JSON.stringify(interventionSeed));
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(5);
    expect(queue.items.map((item) => item.via)).toEqual(Array(5).fill('intent'));
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await request(buildTestApp({ queue: new InMemoryIngestQueue() }))
      .post('/events/intent')
      .send('{');
    expectProblem(res, 400, 'invalid_cloudevent');
  });
});

describe('OPTIONS /events (webhook handshake)', () => {
  it('grants any origin by default', async () => {
    const res = await request(buildTestApp({ queue: new InMemoryIngestQueue() }))
      .options('/events')
      .set('WebHook-Request-Origin', 'eventemitter.example.com');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'webhook-allowed-origin': '*',
      'webhook-allowed-rate': '120',
      allow: 'POST, OPTIONS',
    });
  });

  it('echoes an allowed origin and refuses others', async () => {
    const app = buildTestApp({ queue: new InMemoryIngestQueue(), allowedOrigins: ['ao.example'] });
    const ok = await request(app).options('/events').set('WebHook-Request-Origin', 'ao.example');
    expect(ok.headers['webhook-allowed-origin']).toBe('ao.example');
    const refused = await request(app).options('/events').set('WebHook-Request-Origin', 'evil.example');
    expectProblem(refused, 403, 'forbidden');
    expect(refused.headers['webhook-allowed-origin']).toBeUndefined();
  });

  it('answers 400 without WebHook-Request-Origin', async () => {
    const res = await request(buildTestApp({ queue: new InMemoryIngestQueue() })).options('/events');
    expectProblem(res, 400, 'bad_request');
  });
});

describe('health and unknown routes', () => {
  it('healthz answers, readyz reports its checks', async () => {
    const app = buildTestApp({
      queue: new InMemoryIngestQueue(),
      readiness: async () => ({ ready: false, checks: { redis: false } }),
    });
    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'not_ready', checks: { redis: false } });
  });

  it('answers 404 as a problem document', async () => {
    expectProblem(
      await request(buildTestApp({ queue: new InMemoryIngestQueue() })).get('/nope'),
      404,
      'not_found',
    );
  });
});

describe('management API without ADMIN_API_KEY', () => {
  it('takes only stored API keys: anything else is refused with 401, saying how to get a key', async () => {
    const app = buildTestApp({ queue: new InMemoryIngestQueue(), adminKey: null });
    const wrong = await request(app).get('/subscriptions').set('authorization', 'Bearer anything-at-all-000');
    expectProblem(wrong, 401, 'unauthorized');
    const none = await request(app).get('/subscriptions');
    expectProblem(none, 401, 'unauthorized');
    expect(none.body.detail).toMatch(/ce-relay keys create/);
  });
});

describe('during shutdown', () => {
  it('refuses new events with 503 and Retry-After, and queues nothing', async () => {
    const queue = new InMemoryIngestQueue();
    const app = buildTestApp({ queue, accepting: () => false });
    const res = await request(app)
      .post('/events')
      .set('content-type', STRUCTURED)
      .send(JSON.stringify(makeEvent()));
    expectProblem(res, 503, 'shutting_down');
    expect(res.headers['retry-after']).toBe('5');
    expectProblem(
      await request(app).post('/events/intent').send(JSON.stringify(interventionSeed)),
      503,
      'shutting_down',
    );
    expect(queue.items).toHaveLength(0);
  });
});
