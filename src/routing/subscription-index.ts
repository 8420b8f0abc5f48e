import type { CesqlEvent } from '../cesql';
import { compileFilters, type EventPredicate, type Subscription } from '../subscriptions';

/** What routing needs of a subscription, with its filters compiled once. */
export interface RoutableSubscription {
  readonly id: string;
  readonly source?: string;
  readonly matches: EventPredicate;
}

export function toRoutable(subscription: Subscription): RoutableSubscription {
  return {
    id: subscription.id,
    source: subscription.source,
    matches: compileFilters(subscription.filters),
  };
}

/** Index bucket of a tenant's subscriptions to one type (a NUL cannot occur in a tenant name). */
const bucketKey = (tenant: string, type: string) => `${tenant}\u0000${type}`;

/**
 * In-memory index of subscriptions by tenant and event type, plus one list per tenant for
 * subscriptions without `types`: matching an event looks only at its tenant's candidates for
 * its type.
 */
export class SubscriptionIndex {
  private readonly byId = new Map<string, { routable: RoutableSubscription; subscription: Subscription }>();
  private readonly byType = new Map<string, Map<string, RoutableSubscription>>();
  private readonly anyType = new Map<string, Map<string, RoutableSubscription>>();
  /** Per tenant, its subscriptions with `delivery.ordering: "key"`. */
  private readonly orderedByTenant = new Map<string, Map<string, Subscription>>();

  get size(): number {
    return this.byId.size;
  }

  upsert(subscription: Subscription): void {
    const known = this.byId.get(subscription.id);
    if (known?.subscription.updatedAt === subscription.updatedAt) return;
    this.remove(subscription.id);
    const routable = toRoutable(subscription);
    this.byId.set(subscription.id, { routable, subscription });
    const buckets = subscription.types
      ? subscription.types.map((type) => ({ map: this.byType, key: bucketKey(subscription.tenant, type) }))
      : [{ map: this.anyType, key: subscription.tenant }];
    for (const { map, key } of buckets) {
      let bucket = map.get(key);
      if (!bucket) map.set(key, (bucket = new Map<string, RoutableSubscription>()));
      bucket.set(subscription.id, routable);
    }
    if (subscription.delivery.ordering === 'key') {
      let ordered = this.orderedByTenant.get(subscription.tenant);
      if (!ordered)
        this.orderedByTenant.set(subscription.tenant, (ordered = new Map<string, Subscription>()));
      ordered.set(subscription.id, subscription);
    }
  }

  /** The tenant's subscriptions with `delivery.ordering: "key"`, whatever their status. */
  ordered(tenant: string): Subscription[] {
    const ordered = this.orderedByTenant.get(tenant);
    return ordered ? [...ordered.values()] : [];
  }

  /** The full subscription (sink, secrets, delivery settings) as last loaded. */
  /** The ids of every subscription held. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  get(id: string): Subscription | undefined {
    return this.byId.get(id)?.subscription;
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    const { tenant, types } = entry.subscription;
    const buckets = types
      ? types.map((type) => ({ map: this.byType, key: bucketKey(tenant, type) }))
      : [{ map: this.anyType, key: tenant }];
    for (const { map, key } of buckets) {
      const bucket = map.get(key);
      bucket?.delete(id);
      if (bucket?.size === 0) map.delete(key);
    }
    const ordered = this.orderedByTenant.get(tenant);
    ordered?.delete(id);
    if (ordered?.size === 0) this.orderedByTenant.delete(tenant);
  }

  /** Makes the index hold exactly `subscriptions`; unchanged ones (same `updatedAt`) are not recompiled. */
  replaceAll(subscriptions: readonly Subscription[]): void {
    const keep = new Set(subscriptions.map((s) => s.id));
    for (const id of [...this.byId.keys()]) if (!keep.has(id)) this.remove(id);
    for (const subscription of subscriptions) this.upsert(subscription);
  }

  /**
   * Ids of the tenant's subscriptions that want `event` (its type, its source, its filters),
   * whatever their status: a paused or disabled one holds its deliveries until it is active.
   */
  match(tenant: string, event: CesqlEvent & { readonly type: string; readonly source: string }): string[] {
    const matched: string[] = [];
    const check = (candidate: RoutableSubscription) => {
      if ((candidate.source === undefined || candidate.source === event.source) && candidate.matches(event)) {
        matched.push(candidate.id);
      }
    };
    this.byType.get(bucketKey(tenant, event.type))?.forEach(check);
    this.anyType.get(tenant)?.forEach(check);
    return matched;
  }
}
