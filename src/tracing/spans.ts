import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { packageVersion } from '../runtime/package-info';

export { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';

let version: string | undefined;

/** ce-relay's tracer: a no-op until a tracing SDK is registered (`startTracing`). */
export const tracer = () => trace.getTracer('ce-relay', (version ??= packageVersion()));

/** The CloudEvents attributes of a span about one event (OpenTelemetry semantic conventions). */
export function eventAttributes(event: {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly specversion?: string;
  readonly subject?: unknown;
}): Attributes {
  return {
    'cloudevents.event_id': event.id,
    'cloudevents.event_source': event.source,
    'cloudevents.event_type': event.type,
    ...(event.specversion ? { 'cloudevents.event_spec_version': event.specversion } : {}),
    ...(typeof event.subject === 'string' ? { 'cloudevents.event_subject': event.subject } : {}),
  };
}

/**
 * Runs `work` in a span started under `parent` (the active context when absent): spans started
 * inside are its children. The span ends with the work, as an error when it throws.
 */
export async function inSpan<T>(
  name: string,
  options: { readonly kind?: SpanKind; readonly attributes?: Attributes; readonly parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
