import type { CloudEvent } from '../events';
import type { DeliveryQueue } from '../queues';
import type { SubscriptionIndex } from './subscription-index';

export interface EventRouterDeps {
  readonly index: Pick<SubscriptionIndex, 'match'>;
  readonly deliveries: Pick<DeliveryQueue, 'enqueue'>;
}

export type EventRouter = (record: {
  readonly key: string;
  readonly tenant: string;
  readonly event: CloudEvent;
}) => Promise<string[]>;

/**
 * Routes one stored event: finds its tenant's subscriptions that want it and queues one delivery job
 * each, in one round trip. Job ids are deterministic, so routing the same event again adds
 * nothing new. Resolves with the matched subscription ids.
 */
export function createEventRouter(deps: EventRouterDeps): EventRouter {
  return async ({ key, tenant, event }) => {
    const matched = deps.index.match(tenant, event);
    await deps.deliveries.enqueue(matched.map((subscriptionId) => ({ v: 1, eventKey: key, subscriptionId })));
    return matched;
  };
}
