import {
  deliveryId,
  deliveryLimits,
  NO_SLOTS,
  type DeliveryScheduler,
  type DeliveryStore,
  type InlineFirstAttempts,
} from '../delivery';
import { eventKey, orderingKey, type CloudEvent } from '../events';
import type { DeliveryQueue } from '../queues';
import type { SubscriptionIndex } from './subscription-index';

export interface EventRouterDeps {
  readonly index: Pick<SubscriptionIndex, 'match' | 'ordered'>;
  readonly deliveries: Pick<DeliveryQueue, 'enqueue' | 'schedule'>;
  /** First attempts made while routing; without them, every delivery gets a job. */
  readonly inline?: Pick<InlineFirstAttempts, 'split' | 'attempt'>;
  /** Lanes of ordered subscriptions; without them, ordered subscriptions get jobs as the others. */
  readonly lanes?: Pick<DeliveryScheduler, 'enter'>;
  /**
   * Records of the deliveries that wait in lanes: they have no job to record them, and should be
   * listed and counted in their subscription's backlog while they wait.
   */
  readonly records?: Pick<DeliveryStore, 'ensure'>;
  readonly now?: () => Date;
}

export type EventRouter = (record: {
  readonly key: string;
  readonly tenant: string;
  readonly event: CloudEvent;
  readonly receivedAt: string;
}) => Promise<string[]>;

/**
 * Routes one stored event: finds its tenant's subscriptions that want it and queues one delivery job
 * each, in one round trip, or makes the first attempt at once where that is cheaper; it resolves
 * only when each delivery has ended or has its job. Job ids are deterministic, so routing the
 * same event again adds nothing new. Resolves with the matched subscription ids.
 */
export function createEventRouter(deps: EventRouterDeps): EventRouter {
  const now = deps.now ?? (() => new Date());
  return async ({ key, tenant, event, receivedAt }) => {
    const matched = deps.index.match(tenant, event);
    const ordered = deps.lanes ? deps.index.ordered(tenant) : [];
    const inLanes = new Set(ordered.map((s) => s.id));
    const createdAt = now().toISOString();
    const recorded = Promise.all(
      ordered
        .filter((subscription) => deps.records && matched.includes(subscription.id))
        .map((subscription) =>
          deps.records!.ensure({
            id: deliveryId(key, subscription.id),
            tenant,
            eventKey: key,
            eventId: event.id,
            eventSource: event.source,
            eventType: event.type,
            eventTime: event.time ?? receivedAt,
            subscriptionId: subscription.id,
            createdAt,
            status: subscription.status === 'active' ? 'pending' : 'held',
          }),
        ),
    );
    // Every event leaves its key's intake, ordered subscriptions or not: one command.
    const entered = deps.lanes?.enter({
      identityKey: eventKey(event, tenant),
      eventKey: key,
      orderingKey: orderingKey(event, tenant),
      subscriptions: ordered.map((subscription) => ({
        subscriptionId: subscription.id,
        matched: matched.includes(subscription.id),
        limits: deliveryLimits(subscription) ?? NO_SLOTS,
      })),
    });
    const jobs = matched
      .filter((subscriptionId) => !inLanes.has(subscriptionId))
      .map((subscriptionId) => ({ v: 1 as const, eventKey: key, subscriptionId }));
    await Promise.all([entered, recorded]);
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
