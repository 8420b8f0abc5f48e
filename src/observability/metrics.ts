import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds, from a millisecond of network time to a few minutes of a slow sink. */
const REQUEST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds, from a first attempt within milliseconds to a retry a day later. */
const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

/** Every metric ce-relay exports (docs/observability.md lists them with their labels). */
export interface Metrics {
  readonly registry: Registry;
  readonly eventsReceived: Counter<'outcome' | 'reason'>;
  readonly ingestDuration: Histogram;
  readonly deliveryAttempts: Counter<'outcome' | 'status_class'>;
  readonly deliveryAttemptDuration: Histogram<'status_class'>;
  readonly deliveryLatency: Histogram<'attempt'>;
  readonly deadLetters: Counter;
  readonly subscriptionsDisabled: Counter;
  readonly replays: Counter<'kind'>;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly subscriptionBacklog: Gauge<'subscription'>;
  readonly subscriptionOldestPending: Gauge<'subscription'>;
  readonly oldestPending: Gauge;
  readonly pendingDeliveries: Gauge;
  readonly enrichmentFetches: Counter<'upstream' | 'outcome'>;
  readonly enrichmentFetchDuration: Histogram<'upstream'>;
  readonly upstreamRateLimitWaits: Counter<'upstream'>;
  readonly upstreamRateLimitWaitSeconds: Counter<'upstream'>;
}

/**
 * A registry of its own per process (tests make several), with Node's process metrics. The
 * backlog gauges are registered only where they are read (`backlogs`: a process with workers).
 */
export function createMetrics(options: { readonly backlogs?: boolean } = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const backlogRegisters = options.backlogs === false ? [] : registers;
  return {
    registry,
    eventsReceived: new Counter({
      name: 'cerelay_events_received_total',
      help: 'Events received on POST /events and /events/intent, by outcome (rejected requests count once, with a reason).',
      labelNames: ['outcome', 'reason'],
      registers,
    }),
    ingestDuration: new Histogram({
      name: 'cerelay_ingest_duration_seconds',
      help: 'From an ingest request to its 202 (the events durably queued).',
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    deliveryAttempts: new Counter({
      name: 'cerelay_delivery_attempts_total',
      help: 'Delivery attempts, by outcome (delivered, retry, failed, blocked, discarded, superseded) and the class of the answer.',
      labelNames: ['outcome', 'status_class'],
      registers,
    }),
    deliveryAttemptDuration: new Histogram({
      name: 'cerelay_delivery_attempt_duration_seconds',
      help: 'How long a sink took to answer an attempt (or to fail it).',
      labelNames: ['status_class'],
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    deliveryLatency: new Histogram({
      name: 'cerelay_delivery_latency_seconds',
      help: 'From an event received to its delivery to one subscription, first attempts and retries apart.',
      labelNames: ['attempt'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    deadLetters: new Counter({
      name: 'cerelay_dead_letters_total',
      help: 'Deliveries that ended failed (replayable).',
      registers,
    }),
    subscriptionsDisabled: new Counter({
      name: 'cerelay_subscriptions_disabled_total',
      help: 'Subscriptions disabled by ce-relay (410 Gone, or failing for AUTO_DISABLE_AFTER_SECONDS).',
      registers,
    }),
    replays: new Counter({
      name: 'cerelay_replays_total',
      help: 'Deliveries replayed, one at a time or in bulk.',
      labelNames: ['kind'],
      registers,
    }),
    queueJobs: new Gauge({
      name: 'cerelay_queue_jobs',
      help: 'Jobs in the BullMQ queues, by queue and state (the same in every process: aggregate with max).',
      labelNames: ['queue', 'state'],
      registers,
    }),
    subscriptionBacklog: new Gauge({
      name: 'cerelay_subscription_backlog',
      help: 'Pending deliveries of the subscriptions with the largest backlogs (METRICS_TOP_SUBSCRIPTIONS).',
      labelNames: ['subscription'],
      registers: backlogRegisters,
    }),
    subscriptionOldestPending: new Gauge({
      name: 'cerelay_subscription_oldest_pending_age_seconds',
      help: 'Age of the oldest pending delivery of each subscription in cerelay_subscription_backlog.',
      labelNames: ['subscription'],
      registers: backlogRegisters,
    }),
    oldestPending: new Gauge({
      name: 'cerelay_delivery_oldest_pending_age_seconds',
      help: 'Age of the oldest pending delivery of any subscription (0 when none is pending).',
      registers: backlogRegisters,
    }),
    pendingDeliveries: new Gauge({
      name: 'cerelay_deliveries_pending',
      help: 'Pending deliveries of all subscriptions.',
      registers: backlogRegisters,
    }),
    enrichmentFetches: new Counter({
      name: 'cerelay_enrichment_fetches_total',
      help: 'Fetches from upstream APIs, by upstream and outcome (ok, error).',
      labelNames: ['upstream', 'outcome'],
      registers,
    }),
    enrichmentFetchDuration: new Histogram({
      name: 'cerelay_enrichment_fetch_duration_seconds',
      help: 'How long an upstream fetch took, retries and rate-limit waits included.',
      labelNames: ['upstream'],
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    upstreamRateLimitWaits: new Counter({
      name: 'cerelay_upstream_rate_limit_waits_total',
      help: "Times a fetch waited for its upstream's shared rate limit.",
      labelNames: ['upstream'],
      registers,
    }),
    upstreamRateLimitWaitSeconds: new Counter({
      name: 'cerelay_upstream_rate_limit_wait_seconds_total',
      help: "Seconds fetches waited for their upstream's shared rate limit.",
      labelNames: ['upstream'],
      registers,
    }),
  };
}
