import type { Subscription } from '../subscriptions';
import type { DeliveryLimits } from './delivery-scheduler';

/** A slot's lease outlasts the attempt's timeout by this much; then it frees itself. */
export const SLOT_LEASE_MARGIN_MS = 5_000;

/** Limits that start nothing and hand nothing on (a subscription that is gone). */
export const NO_SLOTS: DeliveryLimits = { maxInFlight: 0, leaseMs: SLOT_LEASE_MARGIN_MS };

/**
 * What the scheduler lets a subscription start: none while it is paused or disabled (its
 * deliveries wait in line, held); nothing to ask once it is deleted (its deliveries end failed).
 */
export function deliveryLimits(subscription: Subscription | undefined): DeliveryLimits | undefined {
  if (!subscription) return undefined;
  const { maxInFlight, maxPerSecond, timeoutMs } = subscription.delivery;
  const leaseMs = timeoutMs + SLOT_LEASE_MARGIN_MS;
  if (subscription.status !== 'active') return { maxInFlight: 0, leaseMs };
  return maxPerSecond === undefined ? { maxInFlight, leaseMs } : { maxInFlight, maxPerSecond, leaseMs };
}
