/**
 * Every Redis key ce-relay writes starts with `{<prefix>}`: the braces are a Redis Cluster
 * hash tag, so queues and records of one deployment live in one slot.
 */
export interface KeySpace {
  /** BullMQ's `prefix` option. */
  readonly bullPrefix: string;
  /** `{cer}:event:<key>`: the stored event record. */
  readonly eventRecord: (eventKey: string) => string;
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
    subscriptions: {
      subscription: (id) => `${root}:sub:${id}`,
      list: `${root}:subs`,
      version: `${root}:subs:version`,
      changes: `${root}:subs:changes`,
    },
  };
}

export const QUEUE_NAMES = { ingest: 'ingest', deliver: 'deliver' } as const;
