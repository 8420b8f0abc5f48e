import type { CesqlEvent } from '../cesql';
import { compileFilters, type EventPredicate, type Subscription } from '../subscriptions';

/** What routing needs of a subscription, with its filters compiled once. */
export interface RoutableSubscription {
  readonly id: string;
  readonly active: boolean;
  readonly source?: string;
  readonly matches: EventPredicate;
}

export function toRoutable(subscription: Subscription): RoutableSubscription {
  return {
    id: subscription.id,
    active: subscription.status === 'active',
    source: subscription.source,
    matches: compileFilters(subscription.filters),
  };
}

/**
 * In-memory index of subscriptions by event type, plus one list for subscriptions without
 * `types`: matching an event looks only at the candidates for its type.
 */
export class SubscriptionIndex {
  private readonly byId = new Map<string, { routable: RoutableSubscription; subscription: Subscription }>();
  private readonly byType = new Map<string, Map<string, RoutableSubscription>>();
  private readonly anyType = new Map<string, RoutableSubscription>();

  get size(): number {
    return this.byId.size;
  }

  upsert(subscription: Subscription): void {
    const known = this.byId.get(subscription.id);
    if (known?.subscription.updatedAt === subscription.updatedAt) return;
    this.remove(subscription.id);
    const routable = toRoutable(subscription);
    this.byId.set(subscription.id, { routable, subscription });
    if (!subscription.types) {
      this.anyType.set(subscription.id, routable);
      return;
    }
    for (const type of subscription.types) {
      let bucket = this.byType.get(type);
      if (!bucket) this.byType.set(type, (bucket = new Map<string, RoutableSubscription>()));
      bucket.set(subscription.id, routable);
    }
  }

  /** The full subscription (sink, secrets, delivery settings) as last loaded. */
  get(id: string): Subscription | undefined {
    return this.byId.get(id)?.subscription;
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    this.anyType.delete(id);
    for (const type of entry.subscription.types ?? []) {
      const bucket = this.byType.get(type);
      bucket?.delete(id);
      if (bucket?.size === 0) this.byType.delete(type);
    }
  }

  /** Makes the index hold exactly `subscriptions`; unchanged ones (same `updatedAt`) are not recompiled. */
  replaceAll(subscriptions: readonly Subscription[]): void {
    const keep = new Set(subscriptions.map((s) => s.id));
    for (const id of [...this.byId.keys()]) if (!keep.has(id)) this.remove(id);
    for (const subscription of subscriptions) this.upsert(subscription);
  }

  /** Ids of the active subscriptions that want `event`: its type, its source, its filters. */
  match(event: CesqlEvent & { readonly type: string; readonly source: string }): string[] {
    const matched: string[] = [];
    const check = (candidate: RoutableSubscription) => {
      if (
        candidate.active &&
        (candidate.source === undefined || candidate.source === event.source) &&
        candidate.matches(event)
      ) {
        matched.push(candidate.id);
      }
    };
    this.byType.get(event.type)?.forEach(check);
    this.anyType.forEach(check);
    return matched;
  }
}
