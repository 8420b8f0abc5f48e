import type { RedisClient } from './redis-connection';

/** An ingest item that a worker could not take, kept for an operator to look at. */
export interface SetAsideItem {
  readonly jobId: string;
  /** The item's place in its job. */
  readonly index: number;
  readonly reason: string;
  readonly at: string;
  /** The item as queued, cut to `MAX_ITEM_CHARACTERS` of JSON. */
  readonly item: string;
}

/** Port: where items that break the ingest contract go instead of failing their job. */
export interface IngestSetAside {
  /** `item`: the item as queued, whatever it is. */
  record(entry: SetAsideItem, item: unknown): Promise<void>;
}

/** Entries kept: the newest, so that a flood of bad items cannot fill Redis. */
export const MAX_SET_ASIDE = 1_000;
const MAX_ITEM_CHARACTERS = 16_384;

/** Cuts an item's JSON for the record; never throws, whatever the item is. */
export function describeItem(item: unknown): string {
  try {
    return (JSON.stringify(item) ?? String(item)).slice(0, MAX_ITEM_CHARACTERS);
  } catch (error) {
    return `(not serializable: ${(error as Error).message})`;
  }
}

/** Set-aside items as a capped Redis list, newest first (`LRANGE <key> 0 -1` lists them). */
export function createRedisIngestSetAside(redis: RedisClient, key: string): IngestSetAside {
  return {
    async record(entry) {
      await redis
        .multi()
        .lpush(key, JSON.stringify(entry))
        .ltrim(key, 0, MAX_SET_ASIDE - 1)
        .exec();
    },
  };
}
