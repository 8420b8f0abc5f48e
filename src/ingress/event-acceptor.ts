import { redisUnavailable } from '../errors';
import type { CloudEvent } from '../events';
import { eventAttributes, eventTrace, producerContext, SpanKind, tracer } from '../tracing';
import { isRedisUnavailableError, makeIngestItem, type IngestQueue, type ReceivedVia } from '../queues';

export interface AcceptedEvent {
  readonly id: string;
  readonly source: string;
  readonly key: string;
  readonly duplicate: boolean;
}

/** The body of a 202: every event of the request, and which were repeats. */
export interface AcceptResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly events: AcceptedEvent[];
}

export interface EventAcceptorDeps {
  readonly queue: Pick<IngestQueue, 'enqueue'>;
  /** Longest wait for Redis to confirm before answering 503. */
  readonly enqueueTimeoutMs: number;
  readonly retryAfterSeconds: number;
  readonly now?: () => Date;
}

export type EventAcceptor = (
  events: readonly CloudEvent[],
  via: ReceivedVia,
  tenant: string,
) => Promise<AcceptResult>;

/**
 * Queues validated events and resolves only once Redis confirmed the write. Redis unreachable,
 * or a confirmation slower than `enqueueTimeoutMs`, becomes a 503 `redis_unavailable`: the
 * sender retries, and deduplication absorbs a retry of an enqueue that did land after all. Any
 * other failure is not Redis's, and is not reported as such.
 */
export function createEventAcceptor(deps: EventAcceptorDeps): EventAcceptor {
  const now = deps.now ?? (() => new Date());
  return async (events, via, tenant) => {
    const receivedAt = now();
    const items = events.map((event) => makeIngestItem(event, via, tenant, receivedAt));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Error(`no confirmation within ${deps.enqueueTimeoutMs} ms`);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timedOut), deps.enqueueTimeoutMs);
    });
    try {
      const outcomes = await Promise.race([deps.queue.enqueue(items), timeout]);
      const accepted = events.map((event, i) => ({
        id: event.id,
        source: event.source,
        key: outcomes[i]!.key,
        duplicate: outcomes[i]!.duplicate,
      }));
      traceReceipt(events, accepted, receivedAt);
      return {
        accepted: accepted.length,
        duplicates: accepted.filter((e) => e.duplicate).length,
        events: accepted,
      };
    } catch (error) {
      // A bug or bad data is not an outage: only Redis's silence or absence is a 503.
      if (error === timedOut || isRedisUnavailableError(error))
        throw redisUnavailable(deps.retryAfterSeconds, error);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A span per event received, under its producer's span: from receipt to durably queued. */
function traceReceipt(
  events: readonly CloudEvent[],
  accepted: readonly { readonly key: string; readonly duplicate: boolean }[],
  receivedAt: Date,
): void {
  events.forEach((event, i) => {
    const span = tracer().startSpan(
      'ce-relay receive',
      { kind: SpanKind.CONSUMER, startTime: receivedAt },
      producerContext(eventTrace(event)),
    );
    // Attributes only for a span that is recorded: without a tracing SDK none is.
    if (span.isRecording()) {
      span.setAttributes({
        ...eventAttributes(event),
        'cerelay.event_key': accepted[i]!.key,
        'cerelay.duplicate': accepted[i]!.duplicate,
      });
    }
    span.end();
  });
}
