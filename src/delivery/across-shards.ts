import type { BlockedKeys } from './blocked-keys';
import type { Backlogs, DeliveryRecord, DeliveryStore } from './delivery-record';

/** What the management API reads of deliveries; writes go through each shard's own store. */
export type DeliveryReads = Pick<DeliveryStore, 'get' | 'attempts' | 'list' | 'forEvent' | 'backlogs'>;
import { listPosition } from './redis-delivery-store';
import { deliveryNotFound, type ReplayService } from './replay-service';

/**
 * The management API's view of deliveries kept in many shards. A delivery lives in the shard of
 * its event, which its id does not tell: reads by id ask every shard; listings gather each
 * shard's page and merge them in index order. With one shard, each is that shard's own.
 */
export function deliveriesAcrossShards(stores: readonly DeliveryStore[]): DeliveryReads {
  if (stores.length === 1) return stores[0]!;
  const locate = async (id: string): Promise<DeliveryStore | undefined> => {
    const found = await Promise.all(stores.map((store) => store.get(id)));
    const at = found.findIndex((record) => record !== undefined);
    return at < 0 ? undefined : stores[at];
  };
  return {
    get: async (id) => (await Promise.all(stores.map((store) => store.get(id)))).find(Boolean),
    async attempts(id) {
      return (await locate(id))?.attempts(id) ?? [];
    },
    async backlogs(subscriptionIds, top) {
      const all = await Promise.all(
        stores.map((store) => store.backlogs(subscriptionIds, Number.MAX_SAFE_INTEGER)),
      );
      return mergeBacklogs(all, top);
    },
    async list(query) {
      const pages = await Promise.all(stores.map((store) => store.list(query)));
      const items = pages
        .flatMap((page) => page.items)
        .map((record) => ({ record, at: listPosition(record) }))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const more = items.length > query.limit || pages.some((page) => page.nextCursor !== undefined);
      const taken = items.slice(0, query.limit);
      return {
        items: taken.map(({ record }) => record),
        ...(more && taken.length > 0 ? { nextCursor: taken[taken.length - 1]!.at } : {}),
      };
    },
    async forEvent(eventKey) {
      const found = await Promise.all(stores.map((store) => store.forEvent(eventKey)));
      return found.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };
}

/** Each subscription's backlog summed over the shards, the largest `top` first. */
export function mergeBacklogs(all: readonly Backlogs[], top: number): Backlogs {
  const bySubscription = new Map<string, { subscriptionId: string; pending: number; oldestMs?: number }>();
  let oldestMs: number | undefined;
  for (const backlogs of all) {
    if (backlogs.oldestMs !== undefined && (oldestMs === undefined || backlogs.oldestMs < oldestMs))
      oldestMs = backlogs.oldestMs;
    for (const backlog of backlogs.largest) {
      const sum = bySubscription.get(backlog.subscriptionId) ?? {
        subscriptionId: backlog.subscriptionId,
        pending: 0,
      };
      sum.pending += backlog.pending;
      if (backlog.oldestMs !== undefined && (sum.oldestMs === undefined || backlog.oldestMs < sum.oldestMs))
        sum.oldestMs = backlog.oldestMs;
      bySubscription.set(backlog.subscriptionId, sum);
    }
  }
  return {
    total: all.reduce((sum, backlogs) => sum + backlogs.total, 0),
    ...(oldestMs !== undefined ? { oldestMs } : {}),
    largest: [...bySubscription.values()].sort((a, b) => b.pending - a.pending).slice(0, top),
  };
}

/**
 * Replays across shards: one delivery is replayed by its shard's service (found by asking each
 * shard's store); a bulk replay runs in every shard, each in event-time order within it.
 */
export function replayAcrossShards(
  shards: readonly { readonly deliveries: DeliveryStore; readonly replay: ReplayService }[],
): ReplayService {
  if (shards.length === 1) return shards[0]!.replay;
  return {
    async replayOne(tenant, id) {
      const found = await Promise.all(shards.map((shard) => shard.deliveries.get(id)));
      const at = found.findIndex((record: DeliveryRecord | undefined) => record !== undefined);
      if (at < 0) throw deliveryNotFound(id);
      return shards[at]!.replay.replayOne(tenant, id);
    },
    async replayBulk(subscriptionId, query) {
      const counts = await Promise.all(shards.map((shard) => shard.replay.replayBulk(subscriptionId, query)));
      return {
        queued: counts.reduce((sum, count) => sum + count.queued, 0),
        matched: counts.reduce((sum, count) => sum + count.matched, 0),
      };
    },
  };
}

/** Blocked keys across shards: a key, and so its head, is blocked in its event's shard. */
export function blockedKeysAcrossShards(shards: readonly BlockedKeys[]): BlockedKeys {
  if (shards.length === 1) return shards[0]!;
  return {
    list: async (subscriptionId) =>
      (await Promise.all(shards.map((shard) => shard.list(subscriptionId)))).flat(),
    skip: async (subscriptionId, eventKey) =>
      (await Promise.all(shards.map((shard) => shard.skip(subscriptionId, eventKey)))).some(Boolean),
  };
}
