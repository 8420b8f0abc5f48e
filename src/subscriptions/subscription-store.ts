import type { Subscription, SubscriptionStatus } from './subscription';

export interface ListOptions {
  /** Only this tenant's subscriptions. */
  readonly tenant: string;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  readonly limit: number;
  /** Only subscriptions whose `types` include one of these. */
  readonly types?: readonly string[];
  readonly status?: SubscriptionStatus;
}

export interface SubscriptionPage {
  readonly items: Subscription[];
  /** Present when more may follow. */
  readonly nextCursor?: string;
}

/** Port for subscription persistence. Every change bumps a version and notifies listeners. */
export interface SubscriptionStore {
  create(subscription: Subscription): Promise<void>;
  get(id: string): Promise<Subscription | undefined>;
  /** Replaces an existing subscription (same id and createdAt). */
  update(subscription: Subscription): Promise<void>;
  delete(id: string): Promise<Subscription | undefined>;
  list(options: ListOptions): Promise<SubscriptionPage>;
  /** Every subscription, for a routing snapshot. */
  all(): Promise<Subscription[]>;
  /** Increases with every change. */
  version(): Promise<number>;
}
