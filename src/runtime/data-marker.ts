import { randomBytes } from 'node:crypto';
import type { RedisClient, Shards } from '../queues';

/**
 * A key that ce-relay writes once into its Redis, so that a process can tell when Redis lost its
 * data (restarted empty, flushed, failed over to an empty replica): the marker it knew is gone.
 * Its value says who wrote it: `fresh` a process that found none at start (a first start, or a
 * loss that no running process saw), `ack` an operator who acknowledged a loss; then an id and
 * the time it was written.
 */
export interface DataMarker {
  /** Writes the marker unless there is one, and remembers it; true when this process wrote it. */
  start(): Promise<boolean>;
  /** Why this process takes Redis to have lost its data; undefined while the marker holds. */
  check(): Promise<string | undefined>;
}

const newMarker = (kind: 'fresh' | 'ack', at: Date) =>
  `${kind} ${randomBytes(9).toString('base64url')} ${at.toISOString()}`;

export function createDataMarker(
  redis: RedisClient,
  key: string,
  now: () => Date = () => new Date(),
): DataMarker {
  let known: string | undefined;
  return {
    async start() {
      const mine = newMarker('fresh', now());
      const written = await redis.set(key, mine, 'NX');
      known = (await redis.get(key)) ?? mine;
      return written === 'OK';
    },
    async check() {
      // Not started yet (Redis was away at start-up): start now, nothing to compare with.
      if (known === undefined) {
        await this.start();
        return undefined;
      }
      const current = await redis.get(key);
      if (current === known) return undefined;
      // An operator acknowledged a loss: this is the data from now on.
      if (current?.startsWith('ack ')) {
        known = current;
        return undefined;
      }
      const since = known.split(' ')[2];
      return current === null
        ? `Redis lost ce-relay's data: the marker written at ${since} is gone, and with it the events acknowledged before`
        : `Redis lost ce-relay's data: the marker written at ${since} was replaced by a new one`;
    },
  };
}

/**
 * The markers of every key space as one: the control data's and each shard's, since in a cluster
 * each master can lose its data on its own. The first loss found is the answer.
 */
export function dataMarkers(markers: readonly DataMarker[]): DataMarker {
  if (markers.length === 1) return markers[0]!;
  return {
    start: async () => (await Promise.all(markers.map((marker) => marker.start()))).some(Boolean),
    check: async () =>
      (await Promise.all(markers.map((marker) => marker.check()))).find((lost) => lost !== undefined),
  };
}

/** The marker keys of the control data and of every shard (one key with one shard). */
export const dataMarkerKeys = (shards: Shards): string[] => [
  ...new Set([shards.control.dataMarker, ...shards.keys.map((keys) => keys.dataMarker)]),
];

/** What `ce-relay redis acknowledge-loss` writes: every process takes it as the data from now on. */
export async function acknowledgeDataLoss(
  redis: RedisClient,
  keys: readonly string[],
  now: Date = new Date(),
): Promise<string> {
  const marker = newMarker('ack', now);
  await Promise.all(keys.map((key) => redis.set(key, marker)));
  return marker;
}
