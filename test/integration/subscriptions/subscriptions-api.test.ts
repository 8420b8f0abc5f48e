import request from 'supertest';
import { TEST_ADMIN_KEY } from '../../support/build-test-app';
import { buildRedisIngestApp, type RedisIngestApp } from '../../support/redis-ingest-app';
import { TestRedis } from '../../support/test-redis';

let redis: TestRedis;
let ctx: RedisIngestApp;

beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  ctx = await buildRedisIngestApp(redis, 'subs');
});
afterEach(async () => {
  await ctx.close();
});

const auth = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const api = () => request(ctx.app);
const create = (body: unknown) =>
  api()
    .post('/subscriptions')
    .set(auth)
    .send(body as object);
const sink = 'https://hooks.example.com/ce';

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

describe('POST /subscriptions', () => {
  it('creates a subscription with defaults, a location and its secret shown once', async () => {
    const res = await create({ sink, types: ['ao.order.statuschanged'], description: 'AO orders' });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(res.headers.location).toBe(`/subscriptions/${res.body.id}`);
    expect(res.body).toMatchObject({
      sink,
      types: ['ao.order.statuschanged'],
      protocol: 'HTTP',
      status: 'active',
      description: 'AO orders',
      delivery: {
        mode: 'structured',
        timeoutMs: 15000,
        maxInFlight: 10,
        ordering: 'none',
        onFailure: 'skip',
        retryOn4xx: false,
      },
    });
    expect(res.body.delivery.retrySchedule).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(res.body.secret).toMatch(/^whsec_/);
    expect(Buffer.from(res.body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(res.body.createdAt).toBe(res.body.updatedAt);

    const fetched = await api().get(`/subscriptions/${res.body.id}`).set(auth);
    expect(fetched.status).toBe(200);
    expect(fetched.body.secret).toBeUndefined();
    expect(fetched.body.secrets).toBeUndefined();
    expect(fetched.body.id).toBe(res.body.id);
  });

  it('ignores an id in the request', async () => {
    const res = await create({ id: 'mine', sink });
    expect(res.body.id).not.toBe('mine');
  });

  it.each([
    [{}, 'sink', 'must be an absolute http or https URL'],
    [{ sink: 'ftp://files.example.com' }, 'sink', 'must be an absolute http or https URL'],
    [{ sink: 'https://user:pw@hooks.example.com/ce' }, 'sink', 'must not carry credentials'],
    [{ sink, protocol: 'MQTT5' }, 'protocol', 'only HTTP is supported'],
    [{ sink, filters: [{ regex: { type: '.*' } }] }, 'filters.0.regex', "unsupported filter dialect 'regex'"],
    [
      { sink, filters: [{ sql: "type = 'a" }] },
      'filters.0.sql',
      'invalid CESQL: unterminated string literal',
    ],
    [{ sink, filters: [{ sql: 'NOPE(type)' }] }, 'filters.0.sql', 'unknown function(s): NOPE/1'],
    [{ sink, filters: [{ exact: { type: '' } }] }, 'filters.0.exact.type', 'must not be empty'],
    [{ sink, filters: [{ any: [] }] }, 'filters.0.any', 'needs at least one filter expression'],
    [
      { sink, filters: [{ exact: { a: 'x' }, prefix: { b: 'y' } }] },
      'filters.0',
      'a filter has exactly one dialect',
    ],
    [{ sink, types: [] }, 'types', 'omit types to receive every type'],
    [{ sink, source: 'not a uri' }, 'source', 'must be a URI-reference'],
    [{ sink, delivery: { timeoutMs: 10 } }, 'delivery.timeoutMs', ''],
    [{ sink, delivery: { maxPerSecond: 0 } }, 'delivery.maxPerSecond', ''],
    [{ sink, delivery: { maxPerSecond: 2.5 } }, 'delivery.maxPerSecond', ''],
    [{ sink, delivery: { ordering: 'yes' } }, 'delivery.ordering', "must be 'none' or 'key'"],
    [{ sink, delivery: { onFailure: 'retry' } }, 'delivery.onFailure', "must be 'skip' or 'block'"],
    [
      { sink, protocolsettings: { headers: { 'webhook-id': 'x' } } },
      'protocolsettings.headers.webhook-id',
      'is set by ce-relay',
    ],
    [{ sink, colour: 'blue' }, 'colour', 'is not a known field'],
    [{ sink, status: 'disabled' }, 'status', "must be 'active' or 'paused'"],
  ])('rejects %j with a problem on %s', async (body, attribute, detail) => {
    const res = await create(body);
    expectProblem(res, 400, 'invalid_subscription');
    const problem = res.body.problems.find((p: { attribute: string }) => p.attribute === attribute);
    expect(problem).toBeDefined();
    expect(problem.detail).toContain(detail);
  });

  it('answers 400 for a body that is not JSON and 415 for another content type', async () => {
    const broken = await api()
      .post('/subscriptions')
      .set(auth)
      .set('content-type', 'application/json')
      .send('{"sink":');
    expectProblem(broken, 400, 'invalid_json');
    const form = await api()
      .post('/subscriptions')
      .set(auth)
      .set('content-type', 'text/plain')
      .send('sink=x');
    expectProblem(form, 415, 'unsupported_media_type');
  });
});

describe('management authentication', () => {
  it.each([
    ['no key', {}],
    ['a wrong key', { authorization: 'Bearer not-the-key-0000000000' }],
    ['another scheme', { authorization: `Basic ${TEST_ADMIN_KEY}` }],
  ])('answers 401 for %s on every route', async (_label, headers) => {
    const created = await create({ sink });
    const id = created.body.id as string;
    const calls = [
      api().get('/subscriptions'),
      api().post('/subscriptions').send({ sink }),
      api().get(`/subscriptions/${id}`),
      api().put(`/subscriptions/${id}`).send({ sink }),
      api().patch(`/subscriptions/${id}`).send({ status: 'paused' }),
      api().delete(`/subscriptions/${id}`),
      api().post(`/subscriptions/${id}/rotate-secret`),
    ];
    for (const call of calls) expectProblem(await call.set(headers), 401, 'unauthorized');
    expect((await api().get(`/subscriptions/${id}`).set(auth)).body.status).toBe('active');
  });
});

describe('GET /subscriptions', () => {
  it('pages through every subscription with a Link header, filtered by type and status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const types = i % 2 === 0 ? ['intent.intervention.planned'] : ['ao.order.statuschanged'];
      ids.push((await create({ sink, types, status: i === 4 ? 'paused' : 'active' })).body.id);
    }
    const seen: string[] = [];
    let next: string | undefined = '/subscriptions?limit=2';
    while (next) {
      const page: request.Response = await api().get(next).set(auth);
      expect(page.status).toBe(200);
      expect(page.body.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.map((s: { id: string }) => s.id));
      next = /<([^>]+)>; rel="next"/.exec(page.headers.link ?? '')?.[1];
    }
    expect(seen).toEqual(ids);

    const planned = await api().get('/subscriptions?types=intent.intervention.planned').set(auth);
    expect(planned.body.map((s: { id: string }) => s.id)).toEqual([ids[0], ids[2], ids[4]]);
    const activePlanned = await api()
      .get('/subscriptions?types=intent.intervention.planned&status=active')
      .set(auth);
    expect(activePlanned.body.map((s: { id: string }) => s.id)).toEqual([ids[0], ids[2]]);
  });

  it('rejects a bad limit or status', async () => {
    expectProblem(await api().get('/subscriptions?limit=0').set(auth), 400, 'invalid_query');
    expectProblem(await api().get('/subscriptions?status=sleeping').set(auth), 400, 'invalid_query');
  });
});

describe('one subscription', () => {
  it('answers 404 for an unknown id on every route', async () => {
    const calls = [
      api().get('/subscriptions/nope'),
      api().put('/subscriptions/nope').send({ sink }),
      api().patch('/subscriptions/nope').send({ status: 'paused' }),
      api().delete('/subscriptions/nope'),
      api().post('/subscriptions/nope/rotate-secret'),
    ];
    for (const call of calls) expectProblem(await call.set(auth), 404, 'subscription_not_found');
  });

  it('PUT replaces every writable field and keeps id, createdAt and the secret', async () => {
    const created = await create({
      sink,
      types: ['a.b'],
      description: 'old',
      filters: [{ prefix: { source: '/x' } }],
    });
    const replaced = await api()
      .put(`/subscriptions/${created.body.id}`)
      .set(auth)
      .send({ sink: 'https://other.example/h' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id: created.body.id,
      createdAt: created.body.createdAt,
      sink: 'https://other.example/h',
    });
    expect(replaced.body.types).toBeUndefined();
    expect(replaced.body.description).toBeUndefined();
    expect(replaced.body.filters).toBeUndefined();
    const stored = await ctx.subscriptionStore.get(created.body.id);
    expect(stored?.secrets[0]?.secret).toBe(created.body.secret);
  });

  it('PATCH pauses and resumes, merges delivery settings and removes a field with null', async () => {
    const created = await create({ sink, description: 'to remove', delivery: { mode: 'binary' } });
    const url = `/subscriptions/${created.body.id}`;
    const paused = await api()
      .patch(url)
      .set(auth)
      .send({ status: 'paused', delivery: { timeoutMs: 5000 }, description: null });
    expect(paused.body).toMatchObject({ status: 'paused', delivery: { mode: 'binary', timeoutMs: 5000 } });
    expect(paused.body.description).toBeUndefined();
    const resumed = await api().patch(url).set(auth).send({ status: 'active' });
    expect(resumed.body.status).toBe('active');
    expectProblem(await api().patch(url).set(auth).send({ sink: 'nope' }), 400, 'invalid_subscription');
  });

  it('takes maxPerSecond, which a PATCH changes and removes with null', async () => {
    const created = await create({ sink, delivery: { maxPerSecond: 5 } });
    expect(created.body.delivery).toMatchObject({ maxPerSecond: 5, maxInFlight: 10 });
    const url = `/subscriptions/${created.body.id}`;
    const changed = await api()
      .patch(url)
      .set(auth)
      .send({ delivery: { maxPerSecond: 50 } });
    expect(changed.body.delivery.maxPerSecond).toBe(50);
    const removed = await api()
      .patch(url)
      .set(auth)
      .send({ delivery: { maxPerSecond: null } });
    expect(removed.status).toBe(200);
    expect(removed.body.delivery).not.toHaveProperty('maxPerSecond');
    expect((await api().get(url).set(auth)).body.delivery).not.toHaveProperty('maxPerSecond');
  });

  it('DELETE answers with the deleted subscription, then it is gone', async () => {
    const created = await create({ sink });
    const deleted = await api().delete(`/subscriptions/${created.body.id}`).set(auth);
    expect(deleted.status).toBe(200);
    expect(deleted.body.id).toBe(created.body.id);
    expectProblem(
      await api().get(`/subscriptions/${created.body.id}`).set(auth),
      404,
      'subscription_not_found',
    );
    expect((await api().get('/subscriptions').set(auth)).body).toEqual([]);
  });

  it('rotate-secret issues a new secret and keeps the old one valid for the overlap', async () => {
    const created = await create({ sink });
    const before = Date.now();
    const rotated = await api().post(`/subscriptions/${created.body.id}/rotate-secret`).set(auth);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - before).toBeGreaterThanOrEqual(
      3600 * 1000 - 1000,
    );
    const stored = await ctx.subscriptionStore.get(created.body.id);
    expect(stored?.secrets.map((s) => s.secret)).toEqual([rotated.body.secret, created.body.secret]);
    expect(stored?.secrets[1]?.expiresAt).toBe(rotated.body.previousSecretExpiresAt);
  });

  it('survives a Redis restart', async () => {
    const created = await create({ sink, types: ['ao.order.statuschanged'] });
    await redis.restart();
    let fetched = await api().get(`/subscriptions/${created.body.id}`).set(auth);
    for (let i = 0; i < 50 && fetched.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      fetched = await api().get(`/subscriptions/${created.body.id}`).set(auth);
    }
    expect(fetched.body).toMatchObject({ id: created.body.id, types: ['ao.order.statuschanged'] });
  });
});
