import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import request from 'supertest';
import { UpstreamApiSimulator } from '../../../examples/simulators/upstream-api';
import { parseRelayConfig } from '../../../src/config';
import { AO_ORDER_REFERENCE, aoStatusChangedEvent } from '../../fixtures/seed-events';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';

// A tracing SDK with an in-memory exporter, registered as `startTracing` registers its own.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PRODUCER_SPAN = '00f067aa0ba902b7';

let harness: ServiceHarness;
let ao: UpstreamApiSimulator;
const sinks: LocalSink[] = [];
beforeAll(async () => {
  ao = await UpstreamApiSimulator.start();
  ao.resources.set(AO_ORDER_REFERENCE, { orderNumber: 'O-2387923', status: 'Accepted' });
  harness = await ServiceHarness.start({}, parseRelayConfig({ upstreams: [ao.aoUpstream()] }));
});
afterAll(async () => {
  await harness.stop();
  await ao.close();
  await Promise.all(sinks.map((sink) => sink.close()));
  await provider.shutdown();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

it("carries the producer's trace from ingest to each subscriber, through a retry", async () => {
  const steady = await LocalSink.start();
  const flaky = await LocalSink.start();
  sinks.push(steady, flaky);
  flaky.respond = (_request, index) => ({ status: index === 0 ? 503 : 204 });
  for (const sink of [steady, flaky]) {
    await harness.subscribe({
      sink: sink.url,
      types: ['ao.order.statuschanged'],
      delivery: { retrySchedule: [1] },
    });
  }
  // AO's event, as its producer traced it: enriched from AO's API on the way.
  const event = aoStatusChangedEvent({
    traceparent: `00-${TRACE}-${PRODUCER_SPAN}-01`,
    tracestate: 'rojo=00f067aa0ba902b7',
  });
  const posted = await request(harness.base)
    .post('/events')
    .set('content-type', 'application/cloudevents+json')
    .send(JSON.stringify(event));
  expect(posted.status).toBe(202);
  await eventually(
    () => steady.deliveries.length + flaky.deliveries.length,
    (n) => n === 3,
    15_000,
  );
  await eventually(
    () => exporter.getFinishedSpans().filter((s) => s.name === 'ce-relay deliver').length,
    (n) => n === 3,
  );

  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE);
  const named = (name: string) => spans.filter((s) => s.name === name);
  // Under the producer's span: its receipt, its ingest (routing inside), and every attempt.
  expect(named('ce-relay receive').map(parentOf)).toEqual([PRODUCER_SPAN]);
  const [ingest] = named('ce-relay ingest');
  expect(parentOf(ingest!)).toBe(PRODUCER_SPAN);
  expect(named('ce-relay route').map(parentOf)).toEqual([ingest!.spanContext().spanId]);
  expect(named('ce-relay fetch ao').map(parentOf)).toEqual([ingest!.spanContext().spanId]);
  expect(named('ce-relay fetch ao')[0]!.attributes['url.full']).toBe(`${ao.url}${AO_ORDER_REFERENCE}`);
  const attempts = named('ce-relay deliver');
  expect(attempts.map(parentOf)).toEqual([PRODUCER_SPAN, PRODUCER_SPAN, PRODUCER_SPAN]);
  expect(ingest!.attributes).toMatchObject({
    'cloudevents.event_id': event['id'] as string,
    'cloudevents.event_type': 'ao.order.statuschanged',
  });

  // Each request carried its own attempt's span under the producer's trace; the event's own
  // extension stayed as received.
  const requests = [...steady.deliveries, ...flaky.deliveries];
  const sent = requests.map((r) => String(r.headers.traceparent));
  const expected = attempts.map((s) => `00-${TRACE}-${s.spanContext().spanId}-01`);
  expect([...sent].sort()).toEqual([...expected].sort());
  expect(requests.map((r) => r.headers.tracestate)).toEqual([
    'rojo=00f067aa0ba902b7',
    'rojo=00f067aa0ba902b7',
    'rojo=00f067aa0ba902b7',
  ]);
  for (const r of requests) {
    expect(JSON.parse(r.body)).toMatchObject({
      traceparent: event.traceparent,
      tracestate: event.tracestate,
    });
  }

  // The retried attempt is an error span, then the retry is not.
  const byHeader = new Map(attempts.map((s) => [`00-${TRACE}-${s.spanContext().spanId}-01`, s]));
  const flakySpans = flaky.deliveries.map((r) => byHeader.get(String(r.headers.traceparent))!);
  expect(flakySpans.map((s) => [s.status.code, s.attributes['http.response.status_code']])).toEqual([
    [2, 503],
    [0, 204],
  ]);
  expect(flakySpans.map((s) => s.attributes['cerelay.attempt'])).toEqual([1, 2]);
});
