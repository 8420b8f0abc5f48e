import type { Filter } from './filter-schema';

export type SubscriptionStatus = 'active' | 'paused' | 'disabled';
export type ContentMode = 'structured' | 'binary';

/** How deliveries to this subscription are made (used by the delivery stage). */
export interface DeliverySettings {
  readonly mode: ContentMode;
  readonly timeoutMs: number;
  /** Delays before each retry, in seconds; its length is the number of retries. */
  readonly retrySchedule: readonly number[];
  readonly maxInFlight: number;
  /** Attempts started per second at most, across every worker; absent: no limit. */
  readonly maxPerSecond?: number;
  /** `key`: events with the same ordering key are delivered one at a time, in the order acknowledged. */
  readonly ordering: 'none' | 'key';
  /** With `ordering: key`, when a delivery fails for good: `skip` to the key's next event, or `block` the key. */
  readonly onFailure: 'skip' | 'block';
  /**
   * With `ordering: key`, `latest`: of a key's deliveries waiting, only the newest is sent; the
   * older ones end `superseded` (replayable).
   */
  readonly coalesce: 'none' | 'latest';
  /** Retry 4xx answers other than 408/410/429 (default: give up at once). */
  readonly retryOn4xx: boolean;
  /** Run the CloudEvents webhook validation handshake against the sink on create. */
  readonly handshake: boolean;
  /** Receive the enriched event (default) or the event as it arrived. */
  readonly enrich: boolean;
}

export interface SigningSecret {
  readonly secret: string;
  /** ISO time after which a rotated-out secret no longer signs; absent for the current one. */
  readonly expiresAt?: string;
}

/** A webhook subscription: the CloudEvents Subscriptions API object plus ce-relay's fields. */
export interface Subscription {
  readonly id: string;
  /** The tenant it belongs to: only that tenant's keys see it, only that tenant's events reach it. */
  readonly tenant: string;
  readonly source?: string;
  readonly types?: readonly string[];
  readonly filters?: readonly Filter[];
  readonly config?: Readonly<Record<string, unknown>>;
  readonly sink: string;
  readonly protocol: 'HTTP';
  readonly protocolsettings?: {
    readonly method?: string;
    readonly headers?: Readonly<Record<string, string>>;
  };
  readonly description?: string;
  readonly status: SubscriptionStatus;
  readonly disabledReason?: string;
  /** When `status` last changed (a failing streak older than this does not count). */
  readonly statusChangedAt: string;
  /** Set while disabled: since when its deliveries had been failing (a replay starts there). */
  readonly failingSince?: string;
  /**
   * Set when it was made active again with `discardHeld`: deliveries held up to this time end
   * `discarded` instead of being attempted.
   */
  readonly discardHeldBefore?: string;
  readonly delivery: DeliverySettings;
  /** Newest first; the first one is current. */
  readonly secrets: readonly SigningSecret[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the API shows: no secrets after creation, only when they were issued. */
export type SubscriptionView = Omit<Subscription, 'secrets'> & { readonly secret?: string };

export function toView(subscription: Subscription, options: { withSecret?: boolean } = {}): SubscriptionView {
  const { secrets, ...rest } = subscription;
  return options.withSecret ? { ...rest, secret: secrets[0]?.secret } : rest;
}
