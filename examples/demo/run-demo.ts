/**
 * `npm run demo`: ce-relay on loopback with a simulated AO API, a simulated intent API and three
 * subscriber endpoints. Replays the seed scenarios (the AO status push; the intent intervention
 * with two absent occupants, closure and formal notice), shows each delivery with its signature
 * check, then a failing subscriber and a replay of its dead letters. Ends by itself with a summary;
 * exits 1 if anything did not happen as it should.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig, parseRelayConfig } from '../../src/config';
import { freePort, runService, startRedisServer } from '../../src/runtime';
import {
  AO_ORDER_REFERENCE,
  aoStatusChangedEvent,
  intentWebhookItem,
  interventionSeed,
} from '../../test/fixtures/seed-events';
import { UpstreamApiSimulator } from '../simulators/upstream-api';
import { DemoSubscriber } from './demo-subscriber';

const ADMIN_KEY = 'demo-admin-key-0000000000001';
const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function main(): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-relay-demo-'));
  const redis = await startRedisServer({ port: await freePort(), dir });
  const ao = await UpstreamApiSimulator.start();
  const intent = await UpstreamApiSimulator.start();
  const board = await DemoSubscriber.start('dispatch-board', print);
  const portal = await DemoSubscriber.start('maintenance-portal', print);
  const crm = await DemoSubscriber.start('flaky-crm', print);
  const cleanups: (() => Promise<void>)[] = [
    () => board.close(),
    () => portal.close(),
    () => crm.close(),
    () => ao.close(),
    () => intent.close(),
    async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  ];
  try {
    ao.resources.set(AO_ORDER_REFERENCE, {
      orderNumber: 'O-2387923',
      type: 'BreakDownAssistance',
      status: 'Accepted',
      externalReference: 'T942855',
      locations: [
        { type: 'IncidentLocation', resourceReference: `${AO_ORDER_REFERENCE}/locations/0175acdc` },
      ],
    });
    ao.resources.set(`${AO_ORDER_REFERENCE}/locations/0175acdc`, {
      name: 'A12 Hectometerpaal 45.3',
      coordinates: { latitude: 52.380205, longitude: 6.2958919 },
    });
    intent.requireToken = false;
    intent.resources.set('/operations/op-prev-2019', {
      id: 'op-prev-2019',
      contract: 'contract1',
      asset: 'logement12',
      attempts: 2,
    });

    const relay = parseRelayConfig({
      upstreams: [
        ao.aoUpstream({
          rateLimit: { requests: 1000, perSeconds: 300 },
          resolve: { resourceReference: true, nested: true, depth: 1 },
        }),
        {
          name: 'intent',
          match: { type: 'intent.' },
          baseUrl: `${intent.url}/operations`,
          auth: { kind: 'bearer', token: 'demo' },
          resolve: { resourceReference: false, operationUrl: true },
        },
      ],
    });
    const config = loadConfig({
      REDIS_URL: redis.url,
      PORT: '0',
      HOST: '127.0.0.1',
      ALLOW_SINK_CIDRS: '127.0.0.0/8',
      LOG_LEVEL: 'error',
      ADMIN_API_KEY: ADMIN_KEY,
      SUBSCRIPTION_POLL_MS: '200',
    });
    const service = await runService(config, pino({ level: 'error' }), relay);
    cleanups.unshift(() => service.close());
    const base = `http://127.0.0.1:${service.port}`;
    const api = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    print(`ce-relay listening on ${base}; simulated AO API ${ao.url}, intent API ${intent.url}`);

    print('\n1. Subscriptions');
    const subscribe = async (subscriber: DemoSubscriber, body: object) => {
      const res = await api('POST', '/subscriptions', { sink: subscriber.url, ...body });
      subscriber.secret = String(res.body.secret);
      print(`  ${subscriber.name.padEnd(18)} ${JSON.stringify(body)}`);
      return String(res.body.id);
    };
    await subscribe(board, { types: ['ao.order.statuschanged'] });
    await subscribe(portal, {
      filters: [{ sql: "type LIKE 'intent.intervention.%' AND type <> 'intent.intervention.planned'" }],
    });
    crm.failing = true;
    const crmId = await subscribe(crm, {
      filters: [{ prefix: { source: '/contracts/contract1/' } }],
      delivery: { retrySchedule: [] },
    });
    await sleep(300);

    print('\n2. AO pushes ao.order.statuschanged (ce-relay fetches the order and its location)');
    const post = (contentType: string, url: string, body: unknown) =>
      fetch(`${base}${url}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify(body),
      });
    await post('application/cloudevents+json', '/events', aoStatusChangedEvent());
    await until('the AO delivery', () => board.received.length === 1);

    print(
      '\n3. intent pushes the PREV_2019 intervention: planned, occupant absent (twice), replanned, closed, formal notice',
    );
    const operationUrl = `${intent.url}/operations/op-prev-2019`;
    const items = interventionSeed.map((body, i) =>
      intentWebhookItem(body, `5f0c7a8e-1b2c-4d3e-8f90-00000000000${i}`, operationUrl),
    );
    await post('application/json', '/events/intent', items);
    await until('the intent deliveries', () => portal.received.length === 4);
    const failed = async () =>
      ((await api('GET', `/deliveries?subscription=${crmId}&status=failed`)).body as unknown as unknown[])
        .length;
    for (let i = 0; i < 100 && (await failed()) < 5; i++) await sleep(100);
    const deadLetters = await failed();
    print(`  flaky-crm: ${deadLetters} dead letters`);

    print('\n4. flaky-crm is back: replay its dead letters');
    crm.failing = false;
    const replay = await api('POST', `/subscriptions/${crmId}/replay`, { status: 'failed' });
    print(`  POST /subscriptions/${crmId}/replay -> ${replay.status} ${JSON.stringify(replay.body)}`);
    await until('the replayed deliveries', () => crm.received.length === 5);

    const all = [...board.received, ...portal.received, ...crm.received];
    const valid = all.filter((d) => d.signatureValid).length;
    const enriched = all.filter((d) => d.enriched).length;
    const ok = all.length === 10 && valid === all.length && enriched === all.length && deadLetters === 5;
    print(
      `\ndemo: 6 events in, ${all.length} deliveries received (${valid} with a valid signature, ${enriched} enriched), ` +
        `${deadLetters} dead letters replayed, AO API ${ao.requests.length} fetches, intent API ${intent.requests.length} fetches: ${ok ? 'OK' : 'NOT OK'}`,
    );
    return ok ? 0 : 1;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    print(`demo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
