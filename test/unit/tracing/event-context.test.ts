import { traceAttempt } from '../../../src/delivery/attempt-trace';
import type { CloudEvent } from '../../../src/events';
import { eventTrace, traceparentOf, tracingRequested } from '../../../src/tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const event = (extensions: Record<string, unknown>): CloudEvent => ({
  specversion: '1.0' as const,
  id: 'e1',
  source: '/orders',
  type: 'ao.order.statuschanged',
  ...extensions,
});

describe('the Distributed Tracing extension of an event', () => {
  it.each<[string, unknown, boolean]>([
    ['a sampled context', `00-${TRACE}-${SPAN}-01`, true],
    ['an unsampled one', `00-${TRACE}-${SPAN}-00`, true],
    ['a future version with more fields', `01-${TRACE}-${SPAN}-01-what-comes-next`, true],
    ['version 00 with more fields', `00-${TRACE}-${SPAN}-01-extra`, false],
    ['the forbidden version ff', `ff-${TRACE}-${SPAN}-01`, false],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`, false],
    ['an all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`, false],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`, false],
    ['not a string', 42, false],
    ['nothing', undefined, false],
  ])('%s: %s', (_name, traceparent, valid) => {
    const found = eventTrace(event(traceparent === undefined ? {} : { traceparent }));
    expect(found !== undefined).toBe(valid);
    if (found) expect(found.spanContext).toMatchObject({ traceId: TRACE, spanId: SPAN, isRemote: true });
  });

  it('keeps tracestate as received, and writes a span context back as a traceparent', () => {
    const found = eventTrace(
      event({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' }),
    )!;
    expect(found.tracestate).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(found.spanContext.traceState?.get('rojo')).toBe('00f067aa0ba902b7');
    expect(traceparentOf(found.spanContext)).toBe(`00-${TRACE}-${SPAN}-01`);
  });
});

describe('an attempt without a tracing SDK', () => {
  const attempt = {
    deliveryId: 'd1',
    subscriptionId: 's1',
    attempt: 1,
    round: 0,
    method: 'POST',
    sink: 'https://example.com/hook',
  };

  it("passes the producer's context on exactly as received", () => {
    const traceparent = `01-${TRACE}-${SPAN}-01-what-comes-next`;
    const traced = traceAttempt(event({ traceparent, tracestate: 'rojo=1' }), attempt);
    expect(traced.headers).toEqual({ traceparent, tracestate: 'rojo=1' });
  });

  it('sends no trace headers for an event without a valid traceparent', () => {
    expect(traceAttempt(event({}), attempt).headers).toEqual({});
    expect(traceAttempt(event({ traceparent: 'garbage', tracestate: 'rojo=1' }), attempt).headers).toEqual(
      {},
    );
  });
});

describe('when tracing is on', () => {
  it.each<[Record<string, string>, boolean]>([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, false],
  ])('%j: %s', (env, on) => {
    expect(tracingRequested(env)).toBe(on);
  });
});
