import { parseRelayConfig } from '../../../src/config';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import { UpstreamApiSimulator as UpstreamSimulator } from '../../../examples/simulators/upstream-api';
import { AO_ORDER_REFERENCE, aoStatusChangedEvent } from '../../fixtures/seed-events';

let harness: ServiceHarness;
let ao: UpstreamSimulator;
let sink: LocalSink;

beforeAll(async () => {
  ao = await UpstreamSimulator.start();
  ao.resources.set(AO_ORDER_REFERENCE, { orderNumber: 'O-2387923', status: 'Accepted' });
  sink = await LocalSink.start();
  const relay = parseRelayConfig({
    upstreams: [ao.aoUpstream({ match: { source: '/tenants/' }, retries: 1 })],
  });
  harness = await ServiceHarness.start({}, relay);
});
afterAll(async () => {
  await harness.stop();
  await sink.close();
  await ao.close();
});

it('delivers the enriched event, or the event as it arrived to a subscription that opts out', async () => {
  await harness.subscribe({
    sink: `${sink.url}?enriched`,
    types: ['ao.order.statuschanged'],
  });
  await harness.subscribe({
    sink: `${sink.url}?plain`,
    types: ['ao.order.statuschanged'],
    delivery: { enrich: false },
  });
  await harness.postEvent(aoStatusChangedEvent());
  await eventually(
    () => sink.deliveries.length,
    (n) => n >= 2,
  );

  const body = (query: string) =>
    JSON.parse(sink.deliveries.find((r) => r.url.endsWith(query))!.body) as { data: Record<string, unknown> };
  expect(body('?enriched').data.resources).toEqual({
    [AO_ORDER_REFERENCE]: { orderNumber: 'O-2387923', status: 'Accepted' },
  });
  expect(body('?plain').data).toEqual({ resourceReference: AO_ORDER_REFERENCE });
});

it('delivers an event it could not enrich, marked partial, and records why', async () => {
  const missing = '/tenants/1/orders/00000000-0000-0000-0000-000000000000';
  await harness.subscribe({ sink: `${sink.url}?partial`, types: ['ao.order.missing'] });
  const posted = await harness.postEvent(
    aoStatusChangedEvent({
      id: 'missing-1',
      type: 'ao.order.missing',
      source: missing,
      data: { resourceReference: missing },
    }),
  );
  const [received] = await eventually(
    () => sink.deliveries.filter((r) => r.url.endsWith('?partial')),
    (list) => list.length === 1,
  );
  expect(JSON.parse(received!.body)).toMatchObject({
    enrichment: 'partial',
    data: { resourceReference: missing, resources: {} },
  });
  const stored = await harness.admin('get', `/events/${String(posted.body.events[0].key)}`);
  expect(stored.body.enrichmentFailures).toEqual([
    { reference: missing, reason: expect.stringContaining('answered 404') },
  ]);
});
