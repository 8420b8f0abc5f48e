import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { eventually } from '../../support/eventually';
import { sinksForFile, type LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import { aoStatusChangedEvent, interventionSeed } from '../../fixtures/seed-events';

let harness: ServiceHarness;
const newSink = sinksForFile();

beforeAll(async () => {
  harness = await ServiceHarness.start();
});
afterAll(async () => {
  await harness.stop();
});

describe('end to end', () => {
  it('delivers each seed event once to each matching sink, signed', async () => {
    const aoSink = await newSink();
    const intentSink = await newSink();
    const ao = await harness.subscribe({ sink: aoSink.url, types: ['ao.order.statuschanged'] });
    const absent = await harness.subscribe({
      sink: aoSink.url,
      filters: [{ sql: "type = 'intent.intervention.occupant_absent'" }],
      delivery: { mode: 'binary' },
    });
    const intent = await harness.subscribe({
      sink: intentSink.url,
      filters: [{ prefix: { source: '/contracts/' } }],
    });

    expect((await harness.postEvent(aoStatusChangedEvent())).status).toBe(202);
    expect(
      (await request(harness.base).post('/events/intent').send(JSON.stringify(interventionSeed))).status,
    ).toBe(202);

    await eventually(
      () => aoSink.deliveries.length + intentSink.deliveries.length,
      (n) => n >= 8,
    );
    // A marker to every sink, posted after: once it is in, any ninth delivery would have been too.
    await harness.postEvent({ ...aoStatusChangedEvent(), id: 'marker-after' });
    await eventually(
      () => aoSink.deliveries.filter((r) => r.body.includes('marker-after')).length,
      (n) => n >= 1,
    );
    const aoDeliveries = aoSink.deliveries.filter((r) => !r.body.includes('marker-after'));
    expect(aoDeliveries).toHaveLength(3);
    expect(intentSink.deliveries).toHaveLength(5);

    const secrets = new Map([
      [ao.id, ao.secret],
      [absent.id, absent.secret],
      [intent.id, intent.secret],
    ]);
    for (const received of [...aoDeliveries, ...intentSink.deliveries]) {
      expect(received.headers['user-agent']).toMatch(/^ce-relay\/\d+\.\d+\.\d+$/);
      const verified = [...secrets.values()].filter((secret) => {
        try {
          new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
          return true;
        } catch {
          return false;
        }
      });
      expect(verified).toHaveLength(1);
    }
    const webhookIds = [...aoDeliveries, ...intentSink.deliveries].map((r) => r.headers['webhook-id']);
    expect(new Set(webhookIds).size).toBe(8);

    const structured = intentSink.deliveries.map(
      (r) => JSON.parse(r.body) as { type: string; subject: string },
    );
    expect(structured.map((e) => e.type).sort()).toEqual(
      ['planned', 'occupant_absent', 'replanned', 'occupant_absent', 'formal_notice']
        .map((e) => `intent.intervention.${e}`)
        .sort(),
    );
    expect(intentSink.deliveries[0]?.headers['content-type']).toBe(
      'application/cloudevents+json; charset=utf-8',
    );
    const binary = aoDeliveries.filter((r) => r.headers['ce-type'] === 'intent.intervention.occupant_absent');
    expect(binary).toHaveLength(2);
    expect(binary[0]?.headers['ce-subject']).toBe('PREV_2019');
    expect(JSON.parse(binary[0]!.body)).toMatchObject({ reference: 'PREV_2019' });
  });
});

describe('protocol settings', () => {
  it('uses the method and adds the headers the subscription sets', async () => {
    const sink = await newSink();
    await harness.subscribe({
      sink: sink.url,
      types: ['probe.settings'],
      protocolsettings: { method: 'PUT', headers: { 'x-api-key': 'k-123', 'x-tenant': 'acme' } },
    });
    await harness.postEvent({
      specversion: '1.0',
      id: 'settings-1',
      source: '/probe',
      type: 'probe.settings',
    });
    const [received] = await eventually(
      () => sink.deliveries,
      (list) => list.length === 1,
    );
    expect(received).toMatchObject({ method: 'PUT', headers: { 'x-api-key': 'k-123', 'x-tenant': 'acme' } });
  });
});

describe('outcomes', () => {
  const probe = (id: string) => ({ specversion: '1.0', id, source: '/probe', type: `probe.${id}` });

  async function deliverOnce(id: string, sink: LocalSink, delivery: object = {}) {
    const subscription = await harness.subscribe({
      sink: sink.url,
      types: [`probe.${id}`],
      delivery: { retrySchedule: [1], ...delivery },
    });
    expect((await harness.postEvent(probe(id))).status).toBe(202);
    const [record] = await eventually(
      () => harness.deliveries(`subscription=${subscription.id}`),
      (list) => list.length === 1 && list[0]!.status !== 'pending',
      8000,
    );
    const detail = await harness.admin('get', `/deliveries/${String(record!.id)}`);
    return {
      subscription,
      record: detail.body as { status: string; attempts: Record<string, unknown>[]; lastError?: string },
    };
  }

  it('retries a 500 on the schedule and then delivers', async () => {
    const sink = await newSink();
    sink.respond = (_r, i) => ({ status: i === 0 ? 500 : 200 });
    const { record } = await deliverOnce('retry500', sink);
    expect(record.status).toBe('delivered');
    expect(record.attempts.map((a) => [a.statusCode, a.outcome])).toEqual([
      [500, 'retry'],
      [200, 'delivered'],
    ]);
    expect(sink.deliveries[1]!.at - sink.deliveries[0]!.at).toBeGreaterThanOrEqual(750);
    expect(sink.deliveries[0]!.headers['webhook-id']).toBe(sink.deliveries[1]!.headers['webhook-id']);
  });

  it('waits at least Retry-After after a 429', async () => {
    const sink = await newSink();
    sink.respond = (_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 204 });
    const { record } = await deliverOnce('retry429', sink, { retrySchedule: [0] });
    expect(record.status).toBe('delivered');
    expect(sink.deliveries[1]!.at - sink.deliveries[0]!.at).toBeGreaterThanOrEqual(1900);
  });

  it('retries a timeout', async () => {
    const sink = await newSink();
    sink.respond = (_r, i) => ({ status: 200, delayMs: i === 0 ? 2500 : 0 });
    const { record } = await deliverOnce('timeout', sink, { timeoutMs: 1000 });
    expect(record.status).toBe('delivered');
    expect(record.attempts[0]).toMatchObject({ errorClass: 'timeout', outcome: 'retry' });
  });

  it('gives up on a 400 at once, keeping the answer', async () => {
    const sink = await newSink();
    sink.respond = () => ({ status: 400, body: 'bad payload: missing orderId' });
    const { record } = await deliverOnce('fail400', sink);
    expect(record.status).toBe('failed');
    expect(record.attempts).toHaveLength(1);
    expect(record.attempts[0]).toMatchObject({
      statusCode: 400,
      outcome: 'failed',
      responseExcerpt: 'bad payload: missing orderId',
    });
  });

  it('does not follow a redirect', async () => {
    const sink = await newSink();
    const target = await newSink();
    sink.respond = () => ({ status: 302, headers: { location: target.url } });
    const { record } = await deliverOnce('redirect', sink);
    expect(record.status).toBe('failed');
    expect(target.received).toHaveLength(0);
  });

  it('fails after the schedule when the sink refuses connections', async () => {
    const sink = await newSink();
    const url = sink.url;
    await sink.close();
    const subscription = await harness.subscribe({
      sink: url,
      types: ['probe.refused'],
      delivery: { retrySchedule: [] },
    });
    await harness.postEvent(probe('refused'));
    const [record] = await eventually(
      () => harness.deliveries(`subscription=${subscription.id}&status=failed`),
      (list) => list.length === 1,
    );
    const detail = await harness.admin('get', `/deliveries/${String(record!.id)}`);
    expect(detail.body.attempts[0]).toMatchObject({ errorClass: 'connection', outcome: 'failed' });
  });

  it('disables the subscription on 410 Gone', async () => {
    const sink = await newSink();
    sink.respond = () => ({ status: 410 });
    const { subscription, record } = await deliverOnce('gone', sink);
    expect(record.status).toBe('failed');
    const after = await harness.admin('get', `/subscriptions/${subscription.id}`);
    expect(after.body).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('410') });
  });
});
