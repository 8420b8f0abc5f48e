import { isSpanContextValid } from '@opentelemetry/api';
import type { CloudEvent } from '../events';
import {
  eventAttributes,
  eventTrace,
  producerContext,
  SpanKind,
  SpanStatusCode,
  traceparentOf,
  tracer,
} from '../tracing';
import type { SendResult } from './send-result';

export interface AttemptTrace {
  /** `traceparent` (and `tracestate`) for the request; none when there is no trace to go on. */
  readonly headers: Readonly<Record<string, string>>;
  end(result: SendResult, delivered: boolean): void;
}

/**
 * A client span for one attempt, under the span that produced the event (its Distributed Tracing
 * extension). The subscriber gets the trace: this attempt's span context when a tracing SDK
 * records it, else the producer's `traceparent` and `tracestate` exactly as received.
 */
export function traceAttempt(
  event: CloudEvent,
  attempt: {
    readonly deliveryId: string;
    readonly subscriptionId: string;
    readonly attempt: number;
    readonly round: number;
    readonly method: string;
    readonly sink: string;
  },
): AttemptTrace {
  const producer = eventTrace(event);
  const span = tracer().startSpan('ce-relay deliver', { kind: SpanKind.CLIENT }, producerContext(producer));
  const own = span.spanContext();
  const headers: Record<string, string> = {};
  if (span.isRecording()) {
    span.setAttributes({
      ...eventAttributes(event),
      'cerelay.delivery_id': attempt.deliveryId,
      'cerelay.subscription_id': attempt.subscriptionId,
      'cerelay.attempt': attempt.attempt,
      'cerelay.round': attempt.round,
      'http.request.method': attempt.method,
      'server.address': new URL(attempt.sink).hostname,
    });
  }
  if (isSpanContextValid(own) && own.spanId !== producer?.spanContext.spanId) {
    headers.traceparent = traceparentOf(own);
    const state = own.traceState?.serialize() ?? producer?.tracestate;
    if (state) headers.tracestate = state;
  } else if (producer) {
    headers.traceparent = producer.traceparent;
    if (producer.tracestate !== undefined) headers.tracestate = producer.tracestate;
  }
  return {
    headers,
    end(result, delivered) {
      if (result.kind === 'response') span.setAttribute('http.response.status_code', result.status);
      else span.setAttribute('error.type', result.errorClass);
      if (!delivered) {
        const message = result.kind === 'response' ? `the sink answered ${result.status}` : result.message;
        span.setStatus({ code: SpanStatusCode.ERROR, message });
      }
      span.end();
    },
  };
}
