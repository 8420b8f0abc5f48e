import {
  deliveryId,
  deliveryLimits,
  NO_SLOTS,
  type DeliveryScheduler,
  type DeliveryStore,
  type InlineFirstAttempts,
} from '../delivery';
import { eventKey, orderingKey, type CloudEvent } from '../events';
import type { DeliveryJob, DeliveryQueue } from '../queues';
import type { Subscription } from '../subscriptions';
import type { SubscriptionIndex } from './subscription-index';

export interface EventRouterDeps {
  readonly index: Pick<SubscriptionIndex, 'match' | 'ordered' | 'get'>;
  readonly deliveries: Pick<DeliveryQueue, 'enqueue' | 'schedule'>;
  /** First attempts made while routing; without them, every delivery gets a job. */
  readonly inline?: Pick<InlineFirstAttempts, 'split' | 'attempt'>;
  /**
   * The delivery scheduler: lanes of ordered subscriptions, and lines that deliveries join without
   * a job. Without it, every delivery gets a job.
   */
  readonly scheduler?: Pick<DeliveryScheduler, 'enter' | 'lineUp'>;
  /**
   * Records of the deliveries that wait in lanes or lines from the start: they have no job to
   * record them, and are listed and counted in their subscription's backlog while they wait.
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
 * Routes one stored event: finds its tenant's subscriptions that want it and gives each its
 * delivery: in the lane of its ordering key (ordered subscriptions), at the end of its
 * subscription's line when deliveries wait there already (no job needed), a first attempt made at
 * once where that is cheaper, or a deliver job (all of them in one round trip). It resolves only
 * when each delivery has ended, waits in Redis, or has its job. Job ids are deterministic and lines
 * and lanes hold an entry once, so routing the same event again adds nothing new. Resolves with
 * the matched subscription ids.
 */
export function createEventRouter(deps: EventRouterDeps): EventRouter {
  const now = deps.now ?? (() => new Date());
  return async ({ key, tenant, event, receivedAt }) => {
    const matched = deps.index.match(tenant, event);
    const { scheduler, records } = deps;
    const ordered = scheduler ? deps.index.ordered(tenant) : [];
    const inLanes = new Set(ordered.map((s) => s.id));
    const createdAt = now().toISOString();
    const orderedBy = orderingKey(event, tenant);
    const record = async (subscription: Subscription) => {
      await records?.ensure({
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
        ...(inLanes.has(subscription.id) ? { orderingKey: orderedBy } : {}),
      });
    };
    const recorded = Promise.all(ordered.filter((s) => matched.includes(s.id)).map(record));
    // Every event leaves its key's intake, ordered subscriptions or not: one command.
    const entered = scheduler?.enter({
      identityKey: eventKey(event, tenant),
      eventKey: key,
      orderingKey: orderedBy,
      subscriptions: ordered.map((subscription) => ({
        subscriptionId: subscription.id,
        matched: matched.includes(subscription.id),
        limits: deliveryLimits(subscription) ?? NO_SLOTS,
      })),
    });
    const jobs = matched
      .filter((subscriptionId) => !inLanes.has(subscriptionId))
      .map((subscriptionId) => ({ v: 1 as const, eventKey: key, subscriptionId }));
    const { inline, queued } = deps.inline?.split(jobs) ?? { inline: [], queued: jobs };
    // Deliveries lined up wait without a job: recorded once they are in line.
    const lineUp = async (): Promise<DeliveryJob[]> => {
      if (!scheduler || !records || queued.length === 0) return queued;
      const subscriptions = queued.map((job) => deps.index.get(job.subscriptionId));
      const lined = await scheduler.lineUp(
        queued.map((job, i) => ({
          entry: { subscriptionId: job.subscriptionId, eventKey: key, round: 0 },
          limits: deliveryLimits(subscriptions[i]) ?? NO_SLOTS,
        })),
      );
      await Promise.all(subscriptions.filter((s, i) => lined[i] && s).map((s) => record(s!)));
      return queued.filter((_, i) => !lined[i]);
    };
    const [needJobs] = await Promise.all([lineUp(), entered, recorded]);
    const { deliveries } = deps;
    await Promise.all([
      deliveries.enqueue(needJobs),
      deps.inline?.attempt(inline).then((later) => deliveries.schedule(later)),
    ]);
    return matched;
  };
}
