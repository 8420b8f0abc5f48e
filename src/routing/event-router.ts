import type { InlineFirstAttempts } from '../delivery';
import type { CloudEvent } from '../events';
import type { DeliveryQueue } from '../queues';
import type { SubscriptionIndex } from './subscription-index';

export interface EventRouterDeps {
  readonly index: Pick<SubscriptionIndex, 'match'>;
  readonly deliveries: Pick<DeliveryQueue, 'enqueue' | 'schedule'>;
  /** First attempts made while routing; without them, every delivery gets a job. */
  readonly inline?: Pick<InlineFirstAttempts, 'split' | 'attempt'>;
}

export type EventRouter = (record: {
  readonly key: string;
  readonly tenant: string;
  readonly event: CloudEvent;
}) => Promise<string[]>;

/**
 * Routes one stored event: finds its tenant's subscriptions that want it and queues one delivery job
 * each, in one round trip, or makes the first attempt at once where that is cheaper; it resolves
 * only when each delivery has ended or has its job. Job ids are deterministic, so routing the
 * same event again adds nothing new. Resolves with the matched subscription ids.
 */
export function createEventRouter(deps: EventRouterDeps): EventRouter {
  return async ({ key, tenant, event }) => {
    const matched = deps.index.match(tenant, event);
    const jobs = matched.map((subscriptionId) => ({ v: 1 as const, eventKey: key, subscriptionId }));
    if (!deps.inline) {
      await deps.deliveries.enqueue(jobs);
      return matched;
    }
    const { inline, queued } = deps.inline.split(jobs);
    const { deliveries } = deps;
    await Promise.all([
      deliveries.enqueue(queued),
      deps.inline.attempt(inline).then((later) => deliveries.schedule(later)),
    ]);
    return matched;
  };
}
