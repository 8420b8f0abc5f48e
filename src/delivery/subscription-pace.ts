/**
 * What this worker process has seen of each subscription's recent attempts: how long they
 * usually take (a moving average) and whether the last one delivered. Paces jobs that find a
 * subscription at its in-flight cap, and decides which first attempts may be made inline.
 */
export interface SubscriptionPace {
  /** Notes one finished attempt. */
  note(subscriptionId: string, durationMs: number, delivered: boolean): void;
  /** Notes an attempt still running after `elapsedMs`: it counts as that slow until it ends. */
  noteSlow(subscriptionId: string, elapsedMs: number): void;
  /** The usual duration of an attempt, when one has been seen. */
  typicalMs(subscriptionId: string): number | undefined;
  /** True unless the last attempt failed or attempts usually take `maxMs` or longer. */
  isQuick(subscriptionId: string, maxMs: number): boolean;
}

export function createSubscriptionPace(): SubscriptionPace {
  const seen = new Map<string, { typicalMs: number; delivered: boolean }>();
  const average = (subscriptionId: string, ms: number) => {
    const previous = seen.get(subscriptionId)?.typicalMs;
    return previous === undefined ? ms : previous * 0.8 + ms * 0.2;
  };
  return {
    note(subscriptionId, durationMs, delivered) {
      seen.set(subscriptionId, { typicalMs: average(subscriptionId, durationMs), delivered });
    },
    noteSlow(subscriptionId, elapsedMs) {
      const previous = seen.get(subscriptionId);
      seen.set(subscriptionId, {
        typicalMs: Math.max(previous?.typicalMs ?? 0, elapsedMs),
        delivered: previous?.delivered ?? true,
      });
    },
    typicalMs: (subscriptionId) => seen.get(subscriptionId)?.typicalMs,
    isQuick(subscriptionId, maxMs) {
      const pace = seen.get(subscriptionId);
      return pace === undefined || (pace.delivered && pace.typicalMs < maxMs);
    },
  };
}
