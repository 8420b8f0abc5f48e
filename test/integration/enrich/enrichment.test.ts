import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseRelayConfig, type UpstreamConfig } from '../../../src/config';
import {
  createEnricher,
  createRedisUpstreamRateLimiter,
  createUpstreamClient,
  type UpstreamClient,
} from '../../../src/enrich';
import type { CloudEvent } from '../../../src/events';
import { createAddressPolicy } from '../../../src/security';
import { TestRedis, uniquePrefix } from '../../support/test-redis';
import { UpstreamApiSimulator as UpstreamSimulator } from '../../../examples/simulators/upstream-api';
import {
  AO_ORDER_REFERENCE,
  aoStatusChangedEvent,
  intentWebhookItem,
  interventionSeed,
} from '../../fixtures/seed-events';
import { adaptIntentPayload } from '../../../src/ingress';

let redis: TestRedis;
let ao: UpstreamSimulator;
const clients: UpstreamClient[] = [];

beforeAll(async () => {
  redis = await TestRedis.start();
  ao = await UpstreamSimulator.start();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await ao.close();
  await redis.stop();
});
beforeEach(() => {
  ao.requests.length = 0;
  ao.tokenRequests = 0;
  ao.validTokens.clear();
  ao.resources.clear();
  ao.resources.set(AO_ORDER_REFERENCE, { orderNumber: 'O-2387923', status: 'Accepted' });
});

function upstream(overrides: Record<string, unknown> = {}): UpstreamConfig {
  return parseRelayConfig({ upstreams: [ao.aoUpstream({ retries: 2, ...overrides })] }).upstreams[0]!;
}

function client(config: UpstreamConfig, prefix = uniquePrefix('enrich')): UpstreamClient {
  const limiter = createRedisUpstreamRateLimiter(redis.client(), {
    window: (name) => `{${prefix}}:upstream-window:${name}`,
    pause: (name) => `{${prefix}}:upstream-pause:${name}`,
  });
  const created = createUpstreamClient(config, {
    limiter,
    backoffMs: 20,
    policy: createAddressPolicy(['127.0.0.0/8']),
  });
  clients.push(created);
  return created;
}

const order = (id: string) => `/tenants/1/orders/${id}`;
const aoEvent = (reference: string, extra: Record<string, unknown> = {}) =>
  aoStatusChangedEvent({
    id: `e-${reference}`,
    source: reference,
    data: { resourceReference: reference, ...extra },
  }) as CloudEvent;

describe('enrichment from AO', () => {
  it('adds the referenced order under data.resources', async () => {
    const enrich = createEnricher([client(upstream())]);
    const result = await enrich(aoStatusChangedEvent() as CloudEvent);
    expect(result.failures).toEqual([]);
    expect(result.event.data).toEqual({
      resourceReference: AO_ORDER_REFERENCE,
      resources: { [AO_ORDER_REFERENCE]: { orderNumber: 'O-2387923', status: 'Accepted' } },
    });
    expect(result.event).not.toHaveProperty('enrichment');
  });

  it('caches the token, and fetches a new one once after a 401', async () => {
    for (const id of ['a', 'b', 'c']) ao.resources.set(order(id), { id });
    const c = client(upstream({ cacheSeconds: 0 }));
    for (const id of ['a', 'b', 'c'])
      expect(await c.fetch(`${ao.url}${order(id)}`)).toMatchObject({ ok: true });
    expect(ao.tokenRequests).toBe(1);
    ao.validTokens.clear(); // the upstream revokes the token
    expect(await c.fetch(`${ao.url}${order('a')}`)).toEqual({ ok: true, body: { id: 'a' } });
    expect(ao.tokenRequests).toBe(2);
  });

  it('makes one fetch for 100 events about the same order', async () => {
    const enrich = createEnricher([client(upstream())]);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => enrich(aoStatusChangedEvent({ id: `same-${i}` }) as CloudEvent)),
    );
    expect(results.every((r) => r.failures.length === 0)).toBe(true);
    expect(ao.requestsTo(AO_ORDER_REFERENCE)).toBe(1);
  });

  it('does not fetch a resource the event already carries', async () => {
    const enrich = createEnricher([client(upstream())]);
    const carried = { [AO_ORDER_REFERENCE]: { orderNumber: 'from the sender' } };
    const result = await enrich(aoEvent(AO_ORDER_REFERENCE, { resources: carried }));
    expect(ao.requests).toHaveLength(0);
    expect((result.event.data as { resources: unknown }).resources).toEqual(carried);
  });

  it('resolves nested references to the configured depth', async () => {
    const location = `${order('n1')}/locations/l1`;
    ao.resources.set(order('n1'), {
      id: 'n1',
      locations: [{ type: 'LoadLocation', resourceReference: location }],
    });
    ao.resources.set(location, { name: 'RGB+ Automatisering B.V.' });
    const enrich = createEnricher([client(upstream({ resolve: { nested: true, depth: 1 } }))]);
    const result = await enrich(aoEvent(order('n1')));
    expect(Object.keys((result.event.data as { resources: object }).resources).sort()).toEqual([
      order('n1'),
      location,
    ]);
  });

  it('marks the event partial on a 404, naming the reference and why', async () => {
    const enrich = createEnricher([client(upstream())]);
    const result = await enrich(aoEvent(order('missing')));
    expect(result.event).toMatchObject({
      enrichment: 'partial',
      data: { resourceReference: order('missing'), resources: {} },
    });
    expect(result.failures).toEqual([
      { reference: order('missing'), reason: expect.stringContaining('answered 404') },
    ]);
    expect(ao.requestsTo(order('missing'))).toBe(1);
  });

  it('retries 5xx with backoff, then marks the event partial when retries run out', async () => {
    ao.resources.set(order('flaky'), { id: 'flaky' });
    ao.script.set(order('flaky'), [{ status: 502 }, { status: 503 }]);
    const enrich = createEnricher([client(upstream({ retries: 2 }))]);
    expect((await enrich(aoEvent(order('flaky')))).failures).toEqual([]);
    ao.script.set(order('down'), [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const down = await enrich(aoEvent(order('down')));
    expect(down.event).toMatchObject({ enrichment: 'partial' });
    expect(down.failures[0]?.reason).toMatch(/answered 500; 2 retries used up/);
    expect(ao.requestsTo(order('down'))).toBe(3);
  });

  it('honours 429 Retry-After before the next request', async () => {
    ao.resources.set(order('busy'), { id: 'busy' });
    ao.script.set(order('busy'), [{ status: 429, headers: { 'retry-after': '1' } }]);
    const c = client(upstream());
    expect(await c.fetch(`${ao.url}${order('busy')}`)).toEqual({ ok: true, body: { id: 'busy' } });
    const [first, second] = ao.requests.filter((r) => r.path === order('busy'));
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('keeps two worker processes together under the shared rate limit', async () => {
    for (let i = 0; i < 16; i++) ao.resources.set(order(`r${i}`), { i });
    ao.requireToken = false;
    const prefix = uniquePrefix('shared-limit');
    const worker = (first: number) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            require.resolve('tsx/cli'),
            path.join(__dirname, '../../support/rate-limited-fetcher.ts'),
            redis.url,
            prefix,
            ao.url,
            String(first),
            '8',
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 ? resolve(out.trim()) : reject(new Error(`worker exited with ${code}`)),
        );
      });
    try {
      expect(await Promise.all([worker(0), worker(8)])).toEqual(['fetched 8', 'fetched 8']);
    } finally {
      ao.requireToken = true;
    }
    const times = ao.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(16);
    // Never more than 5 requests in any one-second window, across both processes.
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(990);
  }, 30_000);

  it('fails a fetch whose answer is larger than maxResponseBytes, without keeping it', async () => {
    ao.resources.set(order('huge'), { blob: 'x'.repeat(5 * 1024 * 1024) });
    const enrich = createEnricher([client(upstream())]);
    const result = await enrich(aoEvent(order('huge')));
    expect(result.fetched).toBe(0);
    expect(result.failures).toEqual([
      { reference: order('huge'), reason: expect.stringMatching(/larger than 1048576 bytes/) },
    ]);
    expect(JSON.stringify(result.event).length).toBeLessThan(10_000);
  });

  it('fails a fetch whose answer nests deeper than an event may', async () => {
    const deep = Array.from({ length: 100 }).reduce<unknown>((inner) => ({ a: inner }), 1);
    ao.resources.set(order('deep'), deep);
    const result = await createEnricher([client(upstream())])(aoEvent(order('deep')));
    expect(result.fetched).toBe(0);
    expect(result.failures).toEqual([
      { reference: order('deep'), reason: expect.stringMatching(/nests deeper than 64 levels/) },
    ]);
  });

  it('never sends client credentials to a token URL the address policy refuses', async () => {
    // 127.0.0.2 is loopback too, but outside the policy's allowlist (127.0.0.1 only).
    const tokens = await UpstreamSimulator.start('127.0.0.2');
    try {
      const config = upstream({
        auth: {
          kind: 'oauth2-client-credentials',
          tokenUrl: `${tokens.url}/oauth/token`,
          clientId: 'relay',
          clientSecret: 's3cret',
        },
      });
      const limiter = createRedisUpstreamRateLimiter(redis.client(), {
        window: (name) => `{${uniquePrefix('token')}}:w:${name}`,
        pause: (name) => `{${uniquePrefix('token')}}:p:${name}`,
      });
      const strict = createUpstreamClient(config, {
        limiter,
        backoffMs: 20,
        policy: createAddressPolicy(['127.0.0.1/32']),
      });
      clients.push(strict);
      const outcome = await strict.fetch(`${ao.url}${order('o-1')}`);
      expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/refused/) });
      expect(tokens.tokenRequests).toBe(0);
    } finally {
      await tokens.close();
    }
  });
});

describe('enrichment from intent', () => {
  it("fetches operation_url with intent's credentials, and never a URL outside its base URL", async () => {
    const other = await UpstreamSimulator.start();
    try {
      ao.resources.set('/operations/op-1', { id: 'op-1', state: 'done' });
      const intent = parseRelayConfig({
        upstreams: [
          {
            name: 'intent',
            match: { type: 'intent.' },
            baseUrl: `${ao.url}/operations`,
            auth: { kind: 'bearer', token: 'intent-token' },
            resolve: { resourceReference: false, operationUrl: true },
          },
        ],
      }).upstreams[0]!;
      ao.validTokens.add('intent-token');
      const enrich = createEnricher([client(intent)]);
      const [inside, outside] = adaptIntentPayload(
        [
          intentWebhookItem({ ...interventionSeed[0] }, 'w-1', `${ao.url}/operations/op-1`),
          intentWebhookItem({ ...interventionSeed[1] }, 'w-2', `${other.url}/operations/op-1`),
        ],
        { timeZone: 'Europe/Paris' },
      );
      const good = await enrich(inside!);
      expect((good.event.data as { resources: object }).resources).toEqual({
        [`${ao.url}/operations/op-1`]: { id: 'op-1', state: 'done' },
      });
      const refused = await enrich(outside!);
      expect(refused.event).toMatchObject({ enrichment: 'partial' });
      expect(refused.failures[0]?.reason).toMatch(/outside/);
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe('relay config', () => {
  it('names the field of every problem', () => {
    expect(() =>
      parseRelayConfig({
        upstreams: [{ name: 'AO!', match: {}, baseUrl: 'ftp://x', auth: { kind: 'magic' } }],
      }),
    ).toThrow(
      /upstreams\.0\.name[\s\S]*upstreams\.0\.match[\s\S]*upstreams\.0\.baseUrl[\s\S]*upstreams\.0\.auth/,
    );
  });
});
