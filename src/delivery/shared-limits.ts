import type { DeliveryLimits, DeliveryScheduler } from './delivery-scheduler';

/**
 * One shard's part of a subscription's limits: each shard has its own slots and line, so each
 * lets `ceil(limit / shards)` start. The sum over shards is the limit when it divides evenly, and
 * at most `shards - 1` above it otherwise (docs/scaling-out.md).
 */
export function shareOfLimits(limits: DeliveryLimits, shards: number): DeliveryLimits {
  if (shards === 1) return limits;
  const share = (limit: number) => Math.ceil(limit / shards);
  const maxInFlight = share(limits.maxInFlight);
  return limits.maxPerSecond === undefined
    ? { ...limits, maxInFlight }
    : { ...limits, maxInFlight, maxPerSecond: share(limits.maxPerSecond) };
}

/** The scheduler of one of `shards` shards, handed every subscription's limits whole. */
export function withSharedLimits(scheduler: DeliveryScheduler, shards: number): DeliveryScheduler {
  if (shards === 1) return scheduler;
  const share = (limits: DeliveryLimits) => shareOfLimits(limits, shards);
  return {
    ...scheduler,
    admit: (entry, limits, handed) => scheduler.admit(entry, share(limits), handed),
    release: (entry, limits, options) => scheduler.release(entry, share(limits), options),
    lineUp: (entries) =>
      scheduler.lineUp(entries.map(({ entry, limits }) => ({ entry, limits: share(limits) }))),
    enter: (event) =>
      scheduler.enter({
        ...event,
        subscriptions: event.subscriptions.map((s) => ({ ...s, limits: share(s.limits) })),
      }),
    sweep: (limitsOf) =>
      scheduler.sweep((id) => {
        const limits = limitsOf(id);
        return limits && share(limits);
      }),
  };
}
