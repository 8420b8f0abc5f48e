import type { Backlogs } from '../delivery';
import type { QueueCount } from '../queues';
import type { Metrics } from './metrics';

export interface GaugeSources {
  readonly queues: () => Promise<readonly QueueCount[]>;
  /** Undefined in a process that does not know the subscriptions (API only): no backlog gauges. */
  readonly backlogs: (top: number) => Promise<Backlogs> | undefined;
}

export interface GaugeRefresherOptions {
  /** How many subscriptions get gauges of their own: those with the largest backlogs. */
  readonly top: number;
  /** Scrapes closer together than this reuse the last reading (every process asks Redis). */
  readonly maxAgeMs?: number;
  readonly onError?: (error: Error) => void;
  readonly now?: () => number;
}

/**
 * Sets the gauges read from Redis (queues and backlogs) before a scrape. A failed reading leaves
 * the last values and is reported; the rest of the metrics are served regardless.
 */
export function createGaugeRefresher(
  metrics: Metrics,
  sources: GaugeSources,
  options: GaugeRefresherOptions,
): () => Promise<void> {
  const now = options.now ?? Date.now;
  const maxAgeMs = options.maxAgeMs ?? 5_000;
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;

  const read = async () => {
    const [queues, backlogs] = await Promise.all([sources.queues(), sources.backlogs(options.top)]);
    const at = now();
    const age = (ms: number | undefined) => (ms === undefined ? 0 : Math.max(0, (at - ms) / 1000));
    for (const { queue, state, count } of queues) metrics.queueJobs.set({ queue, state }, count);
    readAt = at;
    if (!backlogs) return;
    metrics.pendingDeliveries.set(backlogs.total);
    metrics.oldestPending.set(age(backlogs.oldestMs));
    // Subscriptions that left the largest backlogs lose their series.
    metrics.subscriptionBacklog.reset();
    metrics.subscriptionOldestPending.reset();
    for (const { subscriptionId, pending, oldestMs } of backlogs.largest) {
      metrics.subscriptionBacklog.set({ subscription: subscriptionId }, pending);
      metrics.subscriptionOldestPending.set({ subscription: subscriptionId }, age(oldestMs));
    }
  };

  return async () => {
    if (now() - readAt < maxAgeMs) return;
    // Scrapes at once share one reading.
    reading ??= read()
      .catch((error: unknown) => options.onError?.(error as Error))
      .finally(() => {
        reading = undefined;
      });
    await reading;
  };
}
