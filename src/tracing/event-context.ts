import {
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

// W3C Trace Context: version, trace id, parent id, flags; a future version may append more.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The event's Distributed Tracing extension, as received, when its `traceparent` is valid. */
export interface EventTrace {
  readonly traceparent: string;
  readonly tracestate?: string;
  readonly spanContext: SpanContext;
}

/**
 * Reads the CloudEvents Distributed Tracing extension (`traceparent`, `tracestate`): the context
 * of the span that produced the event.
 * @see https://github.com/cloudevents/spec/blob/main/cloudevents/extensions/distributed-tracing.md
 */
export function eventTrace(event: { readonly [attribute: string]: unknown }): EventTrace | undefined {
  const { traceparent, tracestate } = event;
  if (typeof traceparent !== 'string') return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = {
    traceId: traceId!,
    spanId: spanId!,
    traceFlags: parseInt(flags!, 16),
    isRemote: true,
    ...(typeof tracestate === 'string' ? { traceState: createTraceState(tracestate) } : {}),
  };
  if (!isSpanContextValid(spanContext)) return undefined;
  return { traceparent, ...(typeof tracestate === 'string' ? { tracestate } : {}), spanContext };
}

/** The context to start an event's spans in: under its producer's span, or a new trace. */
export function producerContext(found: EventTrace | undefined): Context {
  return found ? trace.setSpanContext(ROOT_CONTEXT, found.spanContext) : ROOT_CONTEXT;
}

/** A span context as a `traceparent` header value. */
export function traceparentOf(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}
