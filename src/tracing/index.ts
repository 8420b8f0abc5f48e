export { eventTrace, producerContext, traceparentOf, type EventTrace } from './event-context';
export { eventAttributes, inSpan, tracer, SpanKind, SpanStatusCode, type Span } from './spans';
export { startTracing, tracingRequested, type StopTracing } from './start-tracing';
