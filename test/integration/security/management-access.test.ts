import request from 'supertest';
import { loadOpenApiDocument } from '../../../src/runtime';
import { SCOPES, type Scope } from '../../../src/security';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

/**
 * Every management endpoint, tried with no key, a wrong key, a key without the scope and a key
 * of another tenant; the table is checked against openapi.yaml so that a new endpoint cannot
 * be left out.
 */
let harness: ServiceHarness;
let sink: LocalSink;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Ids {
  subscription: string;
  delivery: string;
  eventKey: string;
  key: string;
}
interface Endpoint {
  readonly method: Method;
  readonly path: string;
  readonly scope: Scope;
  readonly body?: object;
  /** What a key of another tenant (holding the scope) gets: 404, or only its own tenant's items. */
  readonly otherTenant: 'not_found' | 'own_items' | 'forbidden' | 'creates_own';
  /** The status the owner's key gets, which shows that the refusals are about the key. */
  readonly ok: number;
}

const subscriptionBody = () => ({ sink: sink.url, types: ['access.test'] });

const ENDPOINTS: Endpoint[] = [
  { method: 'get', path: '/subscriptions', scope: 'subscriptions:read', otherTenant: 'own_items', ok: 200 },
  {
    method: 'post',
    path: '/subscriptions',
    scope: 'subscriptions:write',
    otherTenant: 'creates_own',
    ok: 201,
  },
  {
    method: 'get',
    path: '/subscriptions/{id}',
    scope: 'subscriptions:read',
    otherTenant: 'not_found',
    ok: 200,
  },
  {
    method: 'put',
    path: '/subscriptions/{id}',
    scope: 'subscriptions:write',
    otherTenant: 'not_found',
    ok: 200,
  },
  {
    method: 'patch',
    path: '/subscriptions/{id}',
    scope: 'subscriptions:write',
    body: { description: 'patched' },
    otherTenant: 'not_found',
    ok: 200,
  },
  {
    method: 'delete',
    path: '/subscriptions/{id}',
    scope: 'subscriptions:write',
    otherTenant: 'not_found',
    ok: 200,
  },
  {
    method: 'post',
    path: '/subscriptions/{id}/rotate-secret',
    scope: 'subscriptions:write',
    otherTenant: 'not_found',
    ok: 200,
  },
  {
    method: 'post',
    path: '/subscriptions/{id}/replay',
    scope: 'deliveries:replay',
    body: { status: 'delivered' },
    otherTenant: 'not_found',
    ok: 202,
  },
  { method: 'get', path: '/deliveries', scope: 'deliveries:read', otherTenant: 'own_items', ok: 200 },
  { method: 'get', path: '/deliveries/{id}', scope: 'deliveries:read', otherTenant: 'not_found', ok: 200 },
  {
    method: 'post',
    path: '/deliveries/{id}/replay',
    scope: 'deliveries:replay',
    otherTenant: 'not_found',
    ok: 202,
  },
  {
    method: 'get',
    path: '/subscriptions/{id}/blocked-keys',
    scope: 'deliveries:read',
    otherTenant: 'not_found',
    ok: 200,
  },
  // The owner's delivery was delivered: it blocks no key (409), which shows the refusals are about the key.
  {
    method: 'post',
    path: '/deliveries/{id}/skip',
    scope: 'deliveries:replay',
    otherTenant: 'not_found',
    ok: 409,
  },
  { method: 'get', path: '/events/{key}', scope: 'deliveries:read', otherTenant: 'not_found', ok: 200 },
  {
    method: 'post',
    path: '/keys',
    scope: 'admin',
    body: { tenant: 'acme', scopes: ['deliveries:read'] },
    otherTenant: 'forbidden',
    ok: 201,
  },
  { method: 'get', path: '/keys', scope: 'admin', otherTenant: 'own_items', ok: 200 },
  { method: 'delete', path: '/keys/{id}', scope: 'admin', otherTenant: 'not_found', ok: 200 },
];

const keys: Record<string, string> = {};

const issue = async (tenant: string, scopes: Scope[]) => {
  const res = await harness.admin('post', '/keys').send({ tenant, scopes });
  if (res.status !== 201) throw new Error(`key refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; key: string };
};

/** A subscription, a delivered event and a spare key of acme's, for the endpoints to point at. */
async function acmeResources(): Promise<Ids> {
  const created = await request(harness.base)
    .post('/subscriptions')
    .set('authorization', `Bearer ${keys.acmeAdmin}`)
    .send(subscriptionBody());
  const subscription = created.body.id as string;
  await harness.routingKnows(subscription, created.body.updatedAt as string);
  const posted = await harness
    .postEvent({ specversion: '1.0', id: `access-${subscription}`, source: '/access', type: 'access.test' })
    .set('authorization', `Bearer ${keys.acmeSender}`);
  const eventKey = posted.body.events[0].key as string;
  const deliveries = await eventually(
    async () =>
      (
        await request(harness.base)
          .get(`/deliveries?subscription=${subscription}`)
          .set('authorization', `Bearer ${keys.acmeAdmin}`)
      ).body as { id: string; status: string }[],
    (list) => list.length === 1 && list[0]!.status === 'delivered',
  );
  const spare = await issue('acme', ['deliveries:read']);
  return { subscription, delivery: deliveries[0]!.id, eventKey, key: spare.id };
}

const call = (endpoint: Endpoint, ids: Ids, key: string | undefined) => {
  const path = endpoint.path
    .replace('{key}', ids.eventKey)
    .replace(
      '{id}',
      endpoint.path.startsWith('/deliveries')
        ? ids.delivery
        : endpoint.path.startsWith('/keys')
          ? ids.key
          : ids.subscription,
    );
  let req = request(harness.base)[endpoint.method](path);
  if (key !== undefined) req = req.set('authorization', `Bearer ${key}`);
  const body =
    endpoint.body ??
    (['post', 'put'].includes(endpoint.method) && !path.includes('/replay') && !path.includes('rotate')
      ? subscriptionBody()
      : undefined);
  return body ? req.send(body) : req;
};

const name = (e: Endpoint) => `${e.method.toUpperCase()} ${e.path}`;
let ids: Ids;

beforeAll(async () => {
  harness = await ServiceHarness.start();
  sink = await LocalSink.start();
  keys.acmeAdmin = (await issue('acme', ['admin'])).key;
  keys.acmeSender = (await issue('acme', ['events:write'])).key;
  keys.globexAdmin = (await issue('globex', ['admin'])).key;
  for (const scope of SCOPES.filter((s) => s !== 'admin')) {
    keys[`acmeWithout:${scope}`] = (
      await issue(
        'acme',
        SCOPES.filter((s) => s !== 'admin' && s !== scope),
      )
    ).key;
  }
  ids = await acmeResources();
});
afterAll(async () => {
  await harness.stop();
  await sink.close();
});

it('covers every operation that openapi.yaml guards with an API key, with the scope it declares', () => {
  const document = loadOpenApiDocument() as {
    paths: Record<string, Record<string, { security?: object[] }>>;
  };
  const declared = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, operation]) => {
      const requirement = operation.security?.find((r) => 'apiKey' in r) as { apiKey: string[] } | undefined;
      return requirement && path !== '/events' && path !== '/events/intent'
        ? [`${method.toUpperCase()} ${path} ${requirement.apiKey.join(',')}`]
        : [];
    }),
  );
  expect(ENDPOINTS.map((e) => `${name(e)} ${e.scope}`).sort()).toEqual(declared.sort());
});

describe.each(ENDPOINTS)('$method $path', (endpoint) => {
  it('is refused without a key (401)', async () => {
    const res = await call(endpoint, ids, undefined);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('is refused with a wrong key (401)', async () => {
    for (const wrong of [
      `${keys.acmeAdmin!.slice(0, -3)}xyz`,
      'cer_0000000000000000_not-a-real-key',
      'garbage',
    ]) {
      const res = await call(endpoint, ids, wrong);
      expect(res.status).toBe(401);
    }
  });

  it('is refused with a key of the tenant that lacks the scope (403)', async () => {
    const key =
      endpoint.scope === 'admin'
        ? keys['acmeWithout:deliveries:read']!
        : keys[`acmeWithout:${endpoint.scope}`]!;
    const res = await call(endpoint, ids, key);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'forbidden', detail: expect.stringContaining(endpoint.scope) });
  });

  it("shows nothing of another tenant's data to a key of another tenant", async () => {
    const res = await call(endpoint, ids, keys.globexAdmin);
    switch (endpoint.otherTenant) {
      case 'not_found':
        expect(res.status).toBe(404);
        break;
      case 'forbidden':
        expect(res.status).toBe(403);
        break;
      case 'own_items': {
        expect(res.status).toBe(200);
        const items = res.body as { id: string; tenant: string }[];
        expect(items.every((item) => item.tenant === 'globex')).toBe(true);
        expect(JSON.stringify(items)).not.toContain(ids.subscription);
        break;
      }
      case 'creates_own':
        expect(res.status).toBe(201);
        expect(res.body.tenant).toBe('globex');
        break;
    }
  });
});

describe("the owner's key with the scope", () => {
  it.each(ENDPOINTS)('is let through: $method $path', async (endpoint) => {
    // Destructive calls act on fresh resources, so that each endpoint is tried on something that exists.
    const target = endpoint.method === 'delete' ? await acmeResources() : ids;
    const res = await call(endpoint, target, keys.acmeAdmin);
    expect(res.status).toBe(endpoint.ok);
  });
});
