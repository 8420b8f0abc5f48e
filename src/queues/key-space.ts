/**
 * Every Redis key ce-relay writes starts with `{<prefix>}`: the braces are a Redis Cluster
 * hash tag, so queues and records of one deployment live in one slot.
 */
export interface KeySpace {
  /** BullMQ's `prefix` option. */
  readonly bullPrefix: string;
  /** `{cer}:event:<key>`: the stored event record. */
  readonly eventRecord: (eventKey: string) => string;
}

export function createKeySpace(prefix: string): KeySpace {
  const root = `{${prefix}}`;
  return {
    bullPrefix: root,
    eventRecord: (eventKey) => `${root}:event:${eventKey}`,
  };
}

export const QUEUE_NAMES = { ingest: 'ingest' } as const;
