/** What a subscription allows at once, across every worker process. */
export interface DeliveryLimits {
  /** Attempts in flight at once; 0 lets none start (a paused subscription: its deliveries wait in line). */
  readonly maxInFlight: number;
  /** Attempts started per second; absent: no limit. */
  readonly maxPerSecond?: number;
  /** How long a slot may be held before it frees itself (an attempt's timeout and a margin). */
  readonly leaseMs: number;
}

/** One round of one delivery, as the scheduler knows it. */
export interface LineEntry {
  readonly subscriptionId: string;
  readonly eventKey: string;
  readonly round: number;
}

/** How a delivery gives back what it holds. */
export interface ReleaseOptions {
  /**
   * A handed delivery whose attempt has ended keeps a hold (a place in line not due for a lease)
   * until `settle`: its slot goes on at once, and should this process die before the outcome is
   * recorded, the delivery comes back.
   */
  readonly hold?: boolean;
  /** The delivery ended: the lane of its ordering key (`lane`) goes on to the key's next delivery. */
  readonly advance?: { readonly lane: string };
  /**
   * The delivery failed for good and its subscription blocks the key then: the lane waits behind
   * it, listed among the subscription's blocked keys, until it is delivered or skipped.
   */
  readonly block?: { readonly lane: string };
}

/** An event routed to the lanes of its tenant's ordered subscriptions. */
export interface LaneEvent {
  /** Its identity key (tenant, source, id): how its key's intake names it. */
  readonly identityKey: string;
  readonly eventKey: string;
  readonly orderingKey: string;
  /**
   * Every ordered subscription of the tenant: those the event is for (`matched`) get it in their
   * lane; the others' lanes may have waited for it to be routed.
   */
  readonly subscriptions: readonly {
    readonly subscriptionId: string;
    readonly matched: boolean;
    readonly limits: DeliveryLimits;
  }[];
}

/**
 * - `start`: the delivery holds a slot under its subscription's limits; attempt it now.
 * - `queued`: it waits in its subscription's line, at no cost; when a slot frees, the scheduler
 *   hands it the slot, to be attempted at once by the process that freed it.
 * - `in_flight`: this delivery is being attempted elsewhere (or was, by a worker that died less
 *   than a lease ago): one delivery is never attempted twice at once.
 */
export type Admission = 'start' | 'queued' | 'in_flight';

/**
 * Port: which deliveries of a subscription may start, shared by every worker process. A delivery
 * that may not start yet waits in its subscription's line (first come, first served, behind every
 * delivery already waiting) instead of coming back again and again to look; each slot that frees
 * goes to the head of the line at once, attempted by the process where it freed, without a job.
 */
export interface DeliveryScheduler {
  /**
   * A slot for the delivery now, or a place in line. `handed`: the caller is the process the
   * delivery was handed to (its slot is already held for it).
   */
  admit(entry: LineEntry, limits: DeliveryLimits, handed?: boolean): Promise<Admission>;
  /**
   * Gives back whatever the delivery holds (its slot, or its place in line when it needs no
   * attempt after all), handing freed slots to the next in line.
   */
  release(entry: LineEntry, limits: DeliveryLimits, options?: ReleaseOptions): Promise<void>;
  /**
   * Puts each new delivery (a first round) in its subscription's line when deliveries wait there
   * already, or its subscription lets none start: it needs no job to take its place. Answers, per
   * delivery, whether it was lined (else it may start: it needs its job).
   */
  lineUp(
    entries: readonly { readonly entry: LineEntry; readonly limits: DeliveryLimits }[],
  ): Promise<boolean[]>;
  /**
   * Routes an event to ordered subscriptions: each delivery waits in the lane of its ordering key,
   * and gets a place in line once every delivery of the key acknowledged before it has ended.
   */
  enter(event: LaneEvent): Promise<void>;
  /** How many deliveries an ordered subscription's lane of one key holds, its head included. */
  laneLength(subscriptionId: string, lane: string): Promise<number>;
  /** Drops the hold of a handed delivery whose outcome (and retry job) is recorded. */
  settle(entry: LineEntry): Promise<void>;
  /**
   * Run now and then by each worker process: ends lapsed leases and hands free slots to the
   * deliveries waiting in each line (slots that no release handed on: a worker died, a
   * subscription was resumed, a new second began for `maxPerSecond`). Answers how many it handed.
   * `limits` answers undefined for a subscription whose line is to be left alone.
   */
  sweep(limits: (subscriptionId: string) => DeliveryLimits | undefined): Promise<number>;
}
