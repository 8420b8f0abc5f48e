import type { ListOptions, Subscription, SubscriptionStore } from '../../src/subscriptions';

/** A SubscriptionStore in memory, in creation order, with the same list semantics as Redis's. */
export class InMemorySubscriptionStore implements SubscriptionStore {
  private readonly items = new Map<string, Subscription>();
  private changes = 0;

  async create(subscription: Subscription) {
    this.items.set(subscription.id, subscription);
    this.changes++;
  }

  async get(id: string) {
    return this.items.get(id);
  }

  async update(subscription: Subscription) {
    this.items.set(subscription.id, subscription);
    this.changes++;
  }

  async delete(id: string) {
    const existing = this.items.get(id);
    this.items.delete(id);
    if (existing) this.changes++;
    return existing;
  }

  async list(options: ListOptions) {
    const key = (s: Subscription) => `${s.createdAt}|${s.id}`;
    const sorted = [...this.items.values()].sort((a, b) => key(a).localeCompare(key(b)));
    const after = sorted.filter((s) => !options.cursor || key(s) > options.cursor);
    const wanted = after.filter(
      (s) =>
        (!options.status || s.status === options.status) &&
        (!options.types || s.types?.some((t) => options.types!.includes(t))),
    );
    const items = wanted.slice(0, options.limit);
    const more = wanted.length > options.limit;
    return { items, nextCursor: more ? key(items[items.length - 1]!) : undefined };
  }

  async all() {
    return [...this.items.values()];
  }

  async version() {
    return this.changes;
  }
}
