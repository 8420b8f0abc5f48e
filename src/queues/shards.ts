import calculateSlot from 'cluster-key-slot';
import { createKeySpace, type KeySpace } from './key-space';

/** Redis Cluster's hash slots. */
const SLOTS = 16_384;

/**
 * The event pipeline's virtual shards (`REDIS_SHARDS`). An event belongs to the shard of its
 * ordering key, and everything of the event (its claim, record, deliveries, their lines and lanes,
 * its BullMQ jobs) lives in that shard's key space, under the shard's own hash tag: each Lua
 * script and MULTI stays within one slot. Control data (subscriptions, API keys, rate windows,
 * failing streaks, the data marker) lives in `control`.
 */
export interface Shards {
  readonly count: number;
  readonly control: KeySpace;
  /** Shard i's key space; with one shard, `control` itself (the keys of a single Redis as ever). */
  readonly keys: readonly KeySpace[];
  /** The shard of an ordering key (`orderingKey`: a base64url hash). */
  of(orderingKey: string): number;
}

/**
 * Shard i's hash tag: `<prefix>:<i>:<salt>`, with the first salt whose slot lies in the i-th of
 * `count` equal parts of the slot space. A cluster whose masters hold equal runs of slots (what
 * `redis-cli --cluster create` makes) then holds equal numbers of shards on each master.
 */
export function shardTag(prefix: string, shard: number, count: number): string {
  const from = Math.floor((shard * SLOTS) / count);
  const to = Math.floor(((shard + 1) * SLOTS) / count);
  for (let salt = 0; ; salt++) {
    const tag = `${prefix}:${shard}:${salt}`;
    const slot = calculateSlot(tag);
    if (slot >= from && slot < to) return tag;
  }
}

/** The shard of a base64url hash: its first 48 bits, modulo the count. */
export function shardOf(hash: string, count: number): number {
  if (count === 1) return 0;
  return Buffer.from(hash.slice(0, 8), 'base64url').readUIntBE(0, 6) % count;
}

export function createShards(prefix: string, count: number): Shards {
  const control = createKeySpace(prefix);
  const keys =
    count === 1
      ? [control]
      : Array.from({ length: count }, (_, shard) => createKeySpace(shardTag(prefix, shard, count)));
  return { count, control, keys, of: (orderingKey) => shardOf(orderingKey, count) };
}
