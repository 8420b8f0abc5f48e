/**
 * Every Redis key ce-relay writes starts with `{<tag>}`: the braces are a Redis Cluster hash tag,
 * so the keys of one key space live in one slot. Control data (subscriptions, API keys, rate
 * windows, failing streaks, the data marker) is in the key space of `KEY_PREFIX`; events, their
 * deliveries and queues are in their shard's (`shards.ts`), the same one when there is one shard.
 * Each kind of key has its own second segment, and the id comes last: no id, whatever it holds,
 * names a key of another kind.
 */
export interface KeySpace {
  /** BullMQ's `prefix` option. */
  readonly bullPrefix: string;
  /** `{cer}:event:<key>`: the stored event record. */
  readonly eventRecord: (eventKey: string) => string;
  /** `{cer}:seen:<key>`: the ingest job that owns the event, for the dedupe window. */
  readonly eventClaim: (eventKey: string) => string;
  /** `{cer}:ingest-set-aside`: ingest items a worker could not take, newest first. */
  readonly ingestSetAside: string;
  /** `{cer}:data-marker`: written once; its absence means Redis lost ce-relay's data. */
  readonly dataMarker: string;
  readonly deliveries: {
    readonly delivery: (id: string) => string;
    readonly attempts: (id: string) => string;
    readonly byTenant: (tenant: string) => string;
    readonly bySubscription: (subscriptionId: string) => string;
    readonly byEvent: (eventKey: string) => string;
    readonly pending: (subscriptionId: string) => string;
  };
  /** The delivery scheduler's keys (`src/delivery/delivery-scheduler-scripts.ts`). */
  readonly scheduler: {
    /** `{cer}:slots:<subscription>`: running attempts and handed slots, by lease end. */
    readonly slots: (subscriptionId: string) => string;
    /** `{cer}:line:<subscription>`: deliveries waiting for a slot. */
    readonly line: (subscriptionId: string) => string;
    /** `{cer}:lines`: subscriptions with a line (or a handed slot that may go back to it). */
    readonly lines: string;
    /** `{cer}:starts:<subscription>`: attempts started this second (`maxPerSecond`). */
    readonly starts: (subscriptionId: string) => string;
    /** `{cer}:lane:<subscription>:<ordering key>`: an ordered subscription's deliveries of one key, by acknowledgement. */
    readonly lane: (subscriptionId: string, orderingKey: string) => string;
    /** `{cer}:intake:<ordering key>`: events of a key acknowledged and not routed yet, by acknowledgement. */
    readonly intake: (orderingKey: string) => string;
    /** `{cer}:ack-seq`: the acknowledgement counter. */
    readonly ackSeq: string;
    /** `{cer}:blocked:<subscription>`: heads of its keys blocked by a failure (event key: ordering key). */
    readonly blocked: (subscriptionId: string) => string;
  };
  /** `{cer}:ingest-rate:<sender>`: a sender's ingest rate window. */
  readonly ingestRate: (sender: string) => string;
  /** `{cer}:upstream-window:<name>` and `-pause:<name>`: an upstream's shared rate limit. */
  readonly upstreamWindow: (name: string) => string;
  readonly upstreamPause: (name: string) => string;
  /** `{cer}:failing-since:<subscription>`: start of a streak of failed attempts. */
  readonly failingSince: (subscriptionId: string) => string;
  /** `{cer}:apikey:<id>` and `{cer}:apikeys`: API keys (digests only). */
  readonly apiKeys: { readonly key: (id: string) => string; readonly list: string };
  readonly subscriptions: {
    readonly subscription: (id: string) => string;
    readonly list: string;
    readonly version: string;
    readonly changes: string;
  };
}

export function createKeySpace(prefix: string): KeySpace {
  const root = `{${prefix}}`;
  return {
    bullPrefix: root,
    eventRecord: (eventKey) => `${root}:event:${eventKey}`,
    eventClaim: (eventKey) => `${root}:seen:${eventKey}`,
    ingestSetAside: `${root}:ingest-set-aside`,
    dataMarker: `${root}:data-marker`,
    deliveries: {
      delivery: (id) => `${root}:delivery:${id}`,
      attempts: (id) => `${root}:attempts:${id}`,
      byTenant: (tenant) => `${root}:deliveries:tenant:${tenant}`,
      bySubscription: (subscriptionId) => `${root}:deliveries:sub:${subscriptionId}`,
      byEvent: (eventKey) => `${root}:deliveries:event:${eventKey}`,
      pending: (subscriptionId) => `${root}:pending:${subscriptionId}`,
    },
    scheduler: {
      slots: (subscriptionId) => `${root}:slots:${subscriptionId}`,
      line: (subscriptionId) => `${root}:line:${subscriptionId}`,
      lines: `${root}:lines`,
      starts: (subscriptionId) => `${root}:starts:${subscriptionId}`,
      lane: (subscriptionId, orderingKey) => `${root}:lane:${subscriptionId}:${orderingKey}`,
      intake: (orderingKey) => `${root}:intake:${orderingKey}`,
      ackSeq: `${root}:ack-seq`,
      blocked: (subscriptionId) => `${root}:blocked:${subscriptionId}`,
    },
    failingSince: (subscriptionId) => `${root}:failing-since:${subscriptionId}`,
    ingestRate: (sender) => `${root}:ingest-rate:${sender}`,
    upstreamWindow: (name) => `${root}:upstream-window:${name}`,
    upstreamPause: (name) => `${root}:upstream-pause:${name}`,
    apiKeys: { key: (id) => `${root}:apikey:${id}`, list: `${root}:apikeys` },
    subscriptions: {
      subscription: (id) => `${root}:sub:${id}`,
      list: `${root}:subs`,
      version: `${root}:subs:version`,
      changes: `${root}:subs:changes`,
    },
  };
}

export const QUEUE_NAMES = { ingest: 'ingest', deliver: 'deliver' } as const;

/** The keys of event claims, and of the intake of ordering keys they fill. */
export const claimKeys = (keys: KeySpace) => ({
  claim: keys.eventClaim,
  intake: keys.scheduler.intake,
  ackSeq: keys.scheduler.ackSeq,
});
