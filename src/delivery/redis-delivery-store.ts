import type { RedisClient } from '../queues/redis-connection';
import { createBatchedScript } from '../batching';
import {
  ATTEMPT_FIELDS,
  BEGIN_REPLAY,
  ENSURE,
  ENSURE_FIELDS,
  RECORD_ATTEMPT,
} from './redis-delivery-scripts';
import { isFinal } from './delivery-record';
import type {
  DeliveryAttempt,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  NewDelivery,
} from './delivery-record';

export interface DeliveryKeys {
  readonly delivery: (id: string) => string;
  readonly attempts: (id: string) => string;
  /** Creation-time index of one tenant's deliveries. */
  readonly byTenant: (tenant: string) => string;
  readonly bySubscription: (subscriptionId: string) => string;
  readonly byEvent: (eventKey: string) => string;
  /** A subscription's pending deliveries, by creation time. */
  readonly pending: (subscriptionId: string) => string;
}

export interface RetentionSeconds {
  readonly delivered: number;
  readonly failed: number;
}

/** Index members sort by creation time, then id: "<ms, 15 digits>|<id>". */
const member = (ms: number, id: string) => `${String(ms).padStart(15, '0')}|${id}`;

/** A delivery's place in the listing indexes, and the cursor of a page that ends with it. */
export const listPosition = (record: Pick<DeliveryRecord, 'createdAt' | 'id'>) =>
  member(Date.parse(record.createdAt), record.id);

type Scripted = RedisClient & {
  ceBeginReplay(k1: string, k2: string, k3: string, ...argv: string[]): Promise<number>;
};

/**
 * A record as stored. A new record holds only what it cannot do without (see `ensure`): what is
 * not there has its starting value.
 */
function fromHash(id: string, hash: Record<string, string>): DeliveryRecord | undefined {
  // An attempt recorded after the record expired leaves a partial hash: no record either.
  if (!hash.eventKey) return undefined;
  return {
    id,
    tenant: hash.tenant!,
    eventKey: hash.eventKey,
    eventId: hash.eventId!,
    eventSource: hash.eventSource!,
    eventType: hash.eventType!,
    eventTime: hash.eventTime!,
    subscriptionId: hash.subscriptionId!,
    status: hash.status as DeliveryStatus,
    round: Number(hash.round ?? 0),
    attemptCount: Number(hash.attemptCount ?? 0),
    roundAttempts: Number(hash.roundAttempts ?? 0),
    createdAt: hash.createdAt!,
    updatedAt: hash.updatedAt ?? hash.createdAt!,
    ...(hash.nextAttemptAt ? { nextAttemptAt: hash.nextAttemptAt } : {}),
    ...(hash.lastError ? { lastError: hash.lastError } : {}),
    ...(hash.orderingKey ? { orderingKey: hash.orderingKey } : {}),
  };
}

const SCAN_BATCH = 200;

/**
 * Delivery records in Redis: a hash per delivery, its attempts in a list, a creation-time index
 * (sorted by time, then id) per tenant and per subscription, and a set per event. Final records expire after their retention;
 * index entries of expired records are skipped when listing.
 */
export function createRedisDeliveryStore(
  redis: RedisClient,
  keys: DeliveryKeys,
  retention: RetentionSeconds,
): DeliveryStore {
  const scripted = redis as Scripted;
  if (typeof scripted.ceBeginReplay !== 'function')
    redis.defineCommand('ceBeginReplay', { numberOfKeys: 3, lua: BEGIN_REPLAY });
  // The deliveries of one event, and the attempts answered together, share one command.
  const ensureMany = createBatchedScript<string[]>(redis, ENSURE);
  const recordMany = createBatchedScript<number>(redis, RECORD_ATTEMPT);
  const longestRetentionMs = Math.max(retention.delivered, retention.failed) * 1000;
  const getMany = async (ids: readonly string[]) => {
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.delivery(id));
    const results = (await pipeline.exec()) ?? [];
    return results
      .map(([, hash], i) => fromHash(ids[i]!, hash as Record<string, string>))
      .filter((r): r is DeliveryRecord => !!r);
  };

  return {
    async ensure(d: NewDelivery) {
      // Field by field, not `{ ...d }` then `Object.entries(...).flatMap(...)`: many times cheaper
      // on this hot path (Node 20; bench/HISTORY.md has the figures).
      const base: DeliveryRecord = {
        id: d.id,
        tenant: d.tenant,
        eventKey: d.eventKey,
        eventId: d.eventId,
        eventSource: d.eventSource,
        eventType: d.eventType,
        eventTime: d.eventTime,
        subscriptionId: d.subscriptionId,
        createdAt: d.createdAt,
        status: d.status ?? 'pending',
        round: 0,
        attemptCount: 0,
        roundAttempts: 0,
        updatedAt: d.createdAt,
      };
      const created = d.orderingKey === undefined ? base : { ...base, orderingKey: d.orderingKey };
      const createdMs = Date.parse(d.createdAt);
      // Stored: what a record cannot do without. Not its id (the key has it), nor the counts and
      // round at 0 or `updatedAt` equal to `createdAt` (`fromHash` knows them): fewer bytes for
      // Redis to write to its AOF and to keep, three times an event. Sent as values only, in the
      // order of ENSURE_FIELDS (the script has the names).
      const argv = [
        member(createdMs, d.id),
        d.id,
        member(createdMs - longestRetentionMs, ''),
        String(createdMs),
        created.status,
      ];
      for (const name of ENSURE_FIELDS) argv.push(d[name] ?? '');
      const [flat] = await ensureMany([
        {
          keys: [
            keys.delivery(d.id),
            keys.byTenant(d.tenant),
            keys.bySubscription(d.subscriptionId),
            keys.byEvent(d.eventKey),
            keys.pending(d.subscriptionId),
          ],
          argv,
        },
      ]);
      if (!flat || flat.length === 0) return created;
      const hash: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
      return fromHash(d.id, hash)!;
    },
    async get(id) {
      return fromHash(id, await redis.hgetall(keys.delivery(id)));
    },
    async attempts(id) {
      return (await redis.lrange(keys.attempts(id), '0', '-1')).map(
        (json) => JSON.parse(json) as DeliveryAttempt,
      );
    },
    async recordAttempt({ id, subscriptionId }, attempt, update) {
      // A final status starts the retention clock.
      const ttl =
        update.status === 'delivered' ? retention.delivered : isFinal(update.status) ? retention.failed : 0;
      // Values only, in the order of ATTEMPT_FIELDS (the script has the names); '' removes a field.
      const argv = [JSON.stringify(attempt), String(ttl), id];
      for (const name of ATTEMPT_FIELDS) argv.push(String(update[name] ?? ''));
      const pending = keys.pending(subscriptionId);
      await recordMany([{ keys: [keys.delivery(id), keys.attempts(id), pending], argv }]);
    },
    async beginReplay({ id, subscriptionId }, from, at) {
      const round = await scripted.ceBeginReplay(
        keys.delivery(id),
        keys.attempts(id),
        keys.pending(subscriptionId),
        at,
        String(Date.parse(at)),
        id,
        ...from,
      );
      return round < 0 ? undefined : round;
    },
    async backlogs(subscriptionIds, top) {
      // Each subscription's count and oldest pending delivery: one pipelined round trip.
      const pipeline = redis.pipeline();
      for (const id of subscriptionIds) {
        pipeline.zcard(keys.pending(id)).zrange(keys.pending(id), '0', '0', 'WITHSCORES');
      }
      const replies = ((await pipeline.exec()) ?? []).map(([error, reply]) => {
        if (error) throw error;
        return reply;
      });
      const pending = subscriptionIds
        .map((subscriptionId, i) => {
          const oldest = (replies[2 * i + 1] as string[])[1];
          return {
            subscriptionId,
            pending: replies[2 * i] as number,
            ...(oldest === undefined ? {} : { oldestMs: Number(oldest) }),
          };
        })
        .filter((backlog) => backlog.pending > 0)
        .sort((a, b) => b.pending - a.pending);
      // A loop, not Math.min(...): tens of thousands of arguments would overflow the stack.
      const oldestMs = pending.reduce<number | undefined>(
        (min, backlog) =>
          backlog.oldestMs === undefined || (min !== undefined && min <= backlog.oldestMs)
            ? min
            : backlog.oldestMs,
        undefined,
      );
      return {
        total: pending.reduce((sum, backlog) => sum + backlog.pending, 0),
        ...(oldestMs !== undefined ? { oldestMs } : {}),
        largest: pending.slice(0, top),
      };
    },
    async list(query: DeliveryQuery) {
      const index = query.subscriptionId
        ? keys.bySubscription(query.subscriptionId)
        : keys.byTenant(query.tenant);
      const items: DeliveryRecord[] = [];
      let from = query.cursor
        ? `(${query.cursor}`
        : query.since !== undefined
          ? `[${member(query.since, '')}`
          : '-';
      const to = query.until !== undefined ? `(${member(query.until + 1, '')}` : '+';
      for (;;) {
        const members = await redis.zrangebylex(index, from, to, 'LIMIT', '0', String(SCAN_BATCH));
        const records = await getMany(members.map((m) => m.slice(m.indexOf('|') + 1)));
        const byId = new Map(records.map((r) => [r.id, r]));
        for (const m of members) {
          const record = byId.get(m.slice(m.indexOf('|') + 1));
          if (!record || record.tenant !== query.tenant) continue;
          if (query.status && record.status !== query.status) continue;
          if (query.eventId && record.eventId !== query.eventId) continue;
          items.push(record);
          if (items.length === query.limit) return { items, nextCursor: m };
        }
        if (members.length < SCAN_BATCH) return { items };
        from = `(${members[members.length - 1]!}`;
      }
    },
    async forEvent(eventKey) {
      const ids = await redis.smembers(keys.byEvent(eventKey));
      return (await getMany(ids.sort())).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
  };
}
