import type { RedisClient } from '../queues/redis-connection';
import { createScriptRunner } from './eval-script';
import { createMicroBatcher } from './micro-batcher';

/** One item's part of a batched script call. */
export interface ScriptItem {
  readonly keys: readonly string[];
  readonly argv: readonly string[];
}

/** Items in one call at most: a long script holds Redis up. */
const MAX_ITEMS = 200;

/**
 * A Lua script run for many items in one command: items handed in during the same turn of the
 * event loop (the deliveries of one event, the answers of many sinks) go to Redis together. The
 * script gets the items' keys one item after the other in KEYS, their arguments the same way in
 * ARGV, and answers one result per item, in order. On one Redis command instead of one per
 * item, ioredis spends most of the client CPU an item costs; Redis runs the same calls either way.
 * Each caller gets its items' results, or the error of the whole call.
 */
export function createBatchedScript<O>(
  redis: RedisClient,
  lua: string,
): (items: readonly ScriptItem[]) => Promise<O[]> {
  const run = createScriptRunner(redis, lua);
  return createMicroBatcher<ScriptItem, O>(
    async (items) => {
      const keys: string[] = [];
      const argv: string[] = [];
      for (const item of items) {
        keys.push(...item.keys);
        argv.push(...item.argv);
      }
      return (await run(keys, argv)) as O[];
    },
    MAX_ITEMS,
    // No wait for an earlier call to settle (a group commit here measured slower).
    Number.POSITIVE_INFINITY,
  );
}
