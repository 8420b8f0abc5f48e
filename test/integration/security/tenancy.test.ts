import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
let sink: LocalSink;

beforeAll(async () => {
  harness = await ServiceHarness.start({ INGEST_REQUIRE_AUTH: 'true', API_KEY_CACHE_MS: '500' });
  sink = await LocalSink.start();
});
afterAll(async () => {
  await harness.stop();
  await sink.close();
});

/** `npx ce-relay ...` as a real process, against the harness's Redis and key prefix. */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [path.join(__dirname, '../../../bin/ce-relay.js'), ...args], {
    env: { ...process.env, REDIS_URL: harness.redis.url, KEY_PREFIX: harness.prefix },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const as = (key: string, method: 'get' | 'post' | 'delete', path: string) =>
  request(harness.base)[method](path).set('authorization', `Bearer ${key}`);

describe('npx ce-relay keys', () => {
  // The CLI runs dist/: build it first (once; a long while on a busy machine), not in a test.
  beforeAll(() => {
    const built = spawnSync(process.execPath, [path.join(__dirname, '../../../scripts/build-if-stale.js')], {
      stdio: 'ignore',
    });
    expect(built.status).toBe(0);
  }, 600_000);

  it('creates a key shown once, lists it without the key, and deletes it', async () => {
    const created = cli('keys', 'create', '--tenant', 'cli-co', '--scopes', 'subscriptions:read', '--json');
    expect(created.status).toBe(0);
    const { id, key, tenant, scopes } = JSON.parse(created.stdout) as Record<string, unknown>;
    expect({ tenant, scopes }).toEqual({ tenant: 'cli-co', scopes: ['subscriptions:read'] });
    expect(key).toMatch(/^cer_[0-9a-f]{16}_/);
    expect((await as(String(key), 'get', '/subscriptions')).status).toBe(200);

    const listed = cli('keys', 'list', '--tenant', 'cli-co');
    expect(listed.stdout).toContain(String(id));
    expect(listed.stdout).not.toContain(String(key));

    expect(cli('keys', 'delete', String(id)).status).toBe(0);
    // Deleted by another process: the API stops accepting it once its cache entry lapses.
    const after = await eventually(
      async () => (await as(String(key), 'get', '/subscriptions')).status,
      (status) => status === 401,
      2_000,
    );
    expect(after).toBe(401);
    expect(cli('keys', 'delete', String(id))).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('no API key'),
    });
  });

  it('says so, and exits 1, when no Redis answers', () => {
    const result = spawnSync(
      process.execPath,
      [path.join(__dirname, '../../../bin/ce-relay.js'), 'keys', 'list'],
      {
        env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1', KEY_PREFIX: harness.prefix },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no Redis answers at redis:\/\/127\.0\.0\.1:1; set REDIS_URL/);
  });

  it('prints its usage and exits 2 when given no command', () => {
    const none = cli();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/usage:\n {2}ce-relay keys create/);
    expect(cli('--help').status).toBe(0);
  });

  it('says what is wrong with bad input, and exits 2', () => {
    const bad = cli('keys', 'create', '--tenant', 'Not A Tenant', '--scopes', 'everything');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/tenant: .*scopes/s);
    expect(cli('keys', 'frobnicate').status).toBe(2);
  });
});

describe('API keys', () => {
  it('are stored only as digests: the key appears in no Redis value', async () => {
    const res = await harness.admin('post', '/keys').send({ tenant: 'acme', scopes: ['admin'], name: 'ops' });
    expect(res.status).toBe(201);
    const key = res.body.key as string;
    const client = harness.redis.client();
    const names = await client.keys(`{${harness.prefix}}:apikey*`);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const type = await client.type(name);
      const value =
        type === 'string' ? await client.get(name) : JSON.stringify(await client.zrange(name, '0', '-1'));
      expect(value).not.toContain(key.slice(21));
    }
    const listed = await harness.admin('get', '/keys?tenant=acme');
    expect(JSON.stringify(listed.body)).not.toContain(key.slice(21));
    expect(listed.body[0]).not.toHaveProperty('digest');
  });

  it("let a tenant's admin manage its own tenant's keys only; the operator manages all", async () => {
    const acme = (await harness.admin('post', '/keys').send({ tenant: 'acme', scopes: ['admin'] })).body
      .key as string;
    const globexKey = (
      await harness.admin('post', '/keys').send({ tenant: 'globex', scopes: ['deliveries:read'] })
    ).body;
    expect((await as(acme, 'post', '/keys').send({ tenant: 'globex', scopes: ['admin'] })).status).toBe(403);
    const own = await as(acme, 'post', '/keys').send({ scopes: ['events:write'] });
    expect(own.status).toBe(201);
    expect(own.body.tenant).toBe('acme');
    expect((await as(acme, 'delete', `/keys/${globexKey.id as string}`)).status).toBe(404);
    expect((await as(acme, 'get', '/keys')).body.every((k: { tenant: string }) => k.tenant === 'acme')).toBe(
      true,
    );
    expect((await harness.admin('delete', `/keys/${globexKey.id as string}`)).status).toBe(200);
    expect((await as(String(globexKey.key), 'get', '/deliveries')).status).toBe(401);
  });

  it('refuses a request to issue a key that names no scope or an unknown one, naming the field', async () => {
    const res = await harness.admin('post', '/keys').send({ tenant: 'acme', scopes: ['root'] });
    expect(res.status).toBe(400);
    expect(res.body.problems[0].attribute).toBe('scopes.0');
  });
});

describe('routing by tenant', () => {
  it("delivers a sender's events only to its own tenant's subscriptions, deduplicated per tenant", async () => {
    const issue = async (tenant: string) =>
      (await harness.admin('post', '/keys').send({ tenant, scopes: ['admin'] })).body.key as string;
    const acme = await issue('acme');
    const globex = await issue('globex');
    const subscribe = async (key: string) => {
      const { body } = await as(key, 'post', '/subscriptions').send({
        sink: sink.url,
        types: ['tenant.test'],
      });
      await harness.routingKnows(body.id as string, body.updatedAt as string);
      return body.id as string;
    };
    const acmeSub = await subscribe(acme);
    const globexSub = await subscribe(globex);

    const event = { specversion: '1.0', id: 'same-id', source: '/shared', type: 'tenant.test' };
    const post = (key: string) => harness.postEvent(event).set('authorization', `Bearer ${key}`);
    const fromAcme = await post(acme);
    expect(fromAcme.status).toBe(202);
    // The same source and id from another tenant is that tenant's event, not a repeat.
    expect((await post(globex)).body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await post(acme)).body).toMatchObject({ duplicates: 1 });
    // A key without events:write may not post; a sender without credentials is refused when
    // INGEST_REQUIRE_AUTH is on.
    const reader = (
      await harness.admin('post', '/keys').send({ tenant: 'acme', scopes: ['deliveries:read'] })
    ).body.key as string;
    const forbidden = await post(reader);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({
      code: 'forbidden',
      detail: expect.stringContaining('events:write'),
    });
    expect((await harness.postEvent(event)).status).toBe(401);

    // A marker posted after: once it is delivered, a third delivery would have been too.
    await post(acme).send(JSON.stringify({ ...event, id: 'marker-after' }));
    await eventually(
      () => sink.deliveries.filter((r) => r.body.includes('marker-after')).length,
      (n) => n >= 1,
    );
    const deliveriesOf = async (key: string) =>
      (await as(key, 'get', '/deliveries')).body as { subscriptionId: string; tenant: string }[];
    expect((await deliveriesOf(acme)).map((d) => d.subscriptionId)).toEqual([acmeSub]);
    expect((await deliveriesOf(globex)).map((d) => d.subscriptionId)).toEqual([globexSub]);
    expect(sink.deliveries.filter((r) => r.body.includes('same-id'))).toHaveLength(2);

    const key = fromAcme.body.events[0].key as string;
    expect((await as(acme, 'get', `/events/${key}`)).body).toMatchObject({ tenant: 'acme' });
    expect((await as(globex, 'get', `/events/${key}`)).status).toBe(404);
  });
});
