import { z } from 'zod';
import { deliveryLimits, NO_SLOTS, type DeliveryScheduler } from '../delivery';
import { eventKey, orderingKey, type CloudEvent } from '../events';
import type { SubscriptionIndex } from './subscription-index';

/** What an item must still name to have been acknowledged: its tenant and its event's identity. */
const named = z.object({
  key: z.string().min(1),
  tenant: z.string().min(1),
  event: z.looseObject({ id: z.string().min(1), source: z.string().min(1) }),
});

/**
 * An ingest item that a worker set aside (it broke the job contract) was acknowledged: its event
 * took its place in its ordering key's intake, where the lanes of ordered subscriptions wait for
 * it to be routed. It never will be; this lets them go on, as routing it to none of them would.
 * An item too broken to name its tenant and event is left alone. Resolves with whether it was
 * released.
 */
export function createIntakeRelease(deps: {
  readonly index: Pick<SubscriptionIndex, 'ordered'>;
  readonly scheduler: Pick<DeliveryScheduler, 'enter'>;
}): (item: unknown) => Promise<boolean> {
  return async (item) => {
    const parsed = named.safeParse(item);
    if (!parsed.success) return false;
    const { key, tenant } = parsed.data;
    const event = parsed.data.event as unknown as CloudEvent;
    await deps.scheduler.enter({
      identityKey: eventKey(event, tenant),
      eventKey: key,
      orderingKey: orderingKey(event, tenant),
      subscriptions: deps.index.ordered(tenant).map((subscription) => ({
        subscriptionId: subscription.id,
        matched: false,
        limits: deliveryLimits(subscription) ?? NO_SLOTS,
      })),
    });
    return true;
  };
}
