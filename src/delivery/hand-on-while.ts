import type { DeliveryScheduler } from './delivery-scheduler';

/**
 * The scheduler, handing freed slots on to the line only while `accepting` (a draining worker
 * hands nothing to itself: other workers' sweeps hand those slots on).
 */
export function handOnWhile(scheduler: DeliveryScheduler, accepting: () => boolean): DeliveryScheduler {
  return {
    ...scheduler,
    release: (entry, limits, options) =>
      scheduler.release(entry, accepting() ? limits : { ...limits, maxInFlight: 0 }, options),
  };
}
