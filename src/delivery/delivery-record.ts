/**
 * `pending`: to be attempted (now, in line, or at its retry's time). `held`: routed while its
 * subscription was paused or disabled; not attempted until the subscription is active again.
 * Final: `delivered`, `failed`, `discarded` (held, and dropped on request when its subscription
 * came back), `superseded` (a newer event of its ordering key was waiting: `coalesce: "latest"`).
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The statuses a delivery ends in: its record expires after its retention, it may be replayed. */
export const FINAL_STATUSES = ['delivered', 'failed', 'discarded', 'superseded'] as const;
export const DELIVERY_STATUSES = ['pending', 'held', ...FINAL_STATUSES] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export const isFinal = (status: DeliveryStatus): status is FinalStatus =>
  (FINAL_STATUSES as readonly string[]).includes(status);

/** One attempt to send a delivery. */
export interface DeliveryAttempt {
  readonly round: number;
  readonly at: string;
  readonly durationMs: number;
  readonly statusCode?: number;
  /**
   * For failures without an answer: `timeout`, `connection`, `dns`, `tls`, `blocked` (the address
   * policy refused the sink), `other`; `request` when the request could not be built or signed.
   */
  readonly errorClass?: string;
  readonly error?: string;
  /** At most 4 KiB of the answer. */
  readonly responseExcerpt?: string;
  /** `discarded`, `superseded`: no request was made (see DeliveryStatus). */
  readonly outcome: 'delivered' | 'retry' | 'failed' | 'discarded' | 'superseded';
  readonly nextAttemptAt?: string;
}

/** A delivery: one event to one subscription, across all its attempts and replays. */
export interface DeliveryRecord {
  readonly id: string;
  /** The tenant of the event and of the subscription. */
  readonly tenant: string;
  readonly eventKey: string;
  readonly eventId: string;
  readonly eventSource: string;
  readonly eventType: string;
  /** The event's `time`, or when it was received; orders bulk replays. */
  readonly eventTime: string;
  readonly subscriptionId: string;
  readonly status: DeliveryStatus;
  /** 0 for the routed delivery, +1 for each replay. */
  readonly round: number;
  /** Attempts over all rounds. */
  readonly attemptCount: number;
  /** Attempts in the current round: a replay starts the retry schedule afresh. */
  readonly roundAttempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextAttemptAt?: string;
  readonly lastError?: string;
  /**
   * A delivery to an ordered subscription: the ordering key whose lane holds it, so the lane goes
   * on after it even once its event record has expired.
   */
  readonly orderingKey?: string;
}

export type NewDelivery = Omit<
  DeliveryRecord,
  'status' | 'round' | 'attemptCount' | 'roundAttempts' | 'updatedAt' | 'nextAttemptAt' | 'lastError'
> & {
  /** `held` when its subscription is paused or disabled; `pending` by default. */
  readonly status?: 'pending' | 'held';
};

export interface DeliveryQuery {
  /** Only this tenant's deliveries. */
  readonly tenant: string;
  readonly subscriptionId?: string;
  readonly status?: DeliveryStatus;
  readonly eventId?: string;
  /** Creation time bounds, inclusive, in ms. */
  readonly since?: number;
  readonly until?: number;
  readonly cursor?: string;
  readonly limit: number;
}

export interface DeliveryPage {
  readonly items: DeliveryRecord[];
  readonly nextCursor?: string;
}

/** What names a delivery in the store's writes. */
export type DeliveryRef = Pick<DeliveryRecord, 'id' | 'subscriptionId'>;

export interface Backlogs {
  readonly total: number;
  /** Creation time (ms) of the oldest pending delivery. */
  readonly oldestMs?: number;
  /** The subscriptions with the largest backlogs, largest first. */
  readonly largest: readonly { subscriptionId: string; pending: number; oldestMs?: number }[];
}

/** Port for delivery records. */
export interface DeliveryStore {
  /** Creates the record unless it exists, in one round trip; answers the record as stored. */
  ensure(delivery: NewDelivery): Promise<DeliveryRecord>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  attempts(id: string): Promise<DeliveryAttempt[]>;
  /** Appends an attempt and updates the record; a final status starts the retention clock. */
  recordAttempt(
    delivery: DeliveryRef,
    attempt: DeliveryAttempt,
    update: Pick<DeliveryRecord, 'status' | 'attemptCount' | 'roundAttempts' | 'updatedAt'> & {
      nextAttemptAt?: string;
      lastError?: string;
    },
  ): Promise<void>;
  /** Atomically moves a delivery in one of `from` to pending with the next round; undefined when it was not in `from`. */
  beginReplay(
    delivery: DeliveryRef,
    from: readonly DeliveryStatus[],
    at: string,
  ): Promise<number | undefined>;
  /**
   * The pending deliveries of these subscriptions: in all, the oldest one's creation (or replay)
   * time, and per subscription for the `top` subscriptions with the most.
   */
  backlogs(subscriptionIds: readonly string[], top: number): Promise<Backlogs>;
  list(query: DeliveryQuery): Promise<DeliveryPage>;
  forEvent(eventKey: string): Promise<DeliveryRecord[]>;
}
