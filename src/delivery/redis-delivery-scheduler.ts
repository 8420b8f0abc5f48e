import type { RedisClient } from '../queues/redis-connection';
import { createBatchedScript, type ScriptItem } from '../batching';
import { ADMIT, ENTER, LINE_UP, RELEASE, SWEEP } from './delivery-scheduler-scripts';
import type { Admission, DeliveryLimits, DeliveryScheduler, LineEntry } from './delivery-scheduler';

export interface SchedulerKeys {
  /** A subscription's slots: running attempts and handed slots, by lease end. */
  readonly slots: (subscriptionId: string) => string;
  /** A subscription's line of deliveries waiting for a slot, by arrival. */
  readonly line: (subscriptionId: string) => string;
  /** The subscriptions with a line (or a handed slot that may lapse back into one). */
  readonly lines: string;
  /** A subscription's starts in the current second (`maxPerSecond`). */
  readonly starts: (subscriptionId: string) => string;
  /** An ordered subscription's lane of one ordering key. */
  readonly lane: (subscriptionId: string, orderingKey: string) => string;
  /** An ordering key's events acknowledged and not routed yet. */
  readonly intake: (orderingKey: string) => string;
  /** The acknowledgement counter. */
  readonly ackSeq: string;
  /** An ordered subscription's blocked keys: the event key of each blocked head, its ordering key. */
  readonly blocked: (subscriptionId: string) => string;
}

export interface RedisDeliverySchedulerOptions {
  readonly keys: SchedulerKeys;
  /**
   * Attempts each delivery handed a slot, in this process, without a job. Should the process die
   * first, the slot's lease lapses and the delivery goes back to the head of its line.
   */
  readonly run: (handed: readonly LineEntry[]) => void;
  /** Subscriptions one sweep looks at, at most. */
  readonly sweepBatch?: number;
  readonly now?: () => number;
}

const CODES: Record<string, Admission> = { 0: 'queued', 1: 'start', 2: 'in_flight' };

/** Places in line (`<event key>|<round>`) as the deliveries they name. */
function entries(subscriptionId: string, members: readonly string[]): LineEntry[] {
  return members.map((member) => {
    const bar = member.indexOf('|');
    return { subscriptionId, eventKey: member.slice(0, bar), round: Number(member.slice(bar + 1)) };
  });
}

/**
 * The delivery scheduler on Redis: each decision is one Lua script, atomic across worker
 * processes; the decisions of one turn of the event loop share one command.
 */
export function createRedisDeliveryScheduler(
  redis: RedisClient,
  options: RedisDeliverySchedulerOptions,
): DeliveryScheduler {
  const { keys } = options;
  const now = options.now ?? Date.now;
  const admitMany = createBatchedScript<(number | string)[]>(redis, ADMIT);
  const releaseMany = createBatchedScript<string[]>(redis, RELEASE);
  const enterMany = createBatchedScript<string[][]>(redis, ENTER);
  const sweepMany = createBatchedScript<string[]>(redis, SWEEP);
  const lineUpMany = createBatchedScript<(number | string)[]>(redis, LINE_UP);
  const keysOf = (id: string) => [keys.slots(id), keys.line(id), keys.lines, keys.starts(id)];
  const perSecond = (limits: DeliveryLimits) => String(limits.maxPerSecond ?? 0);
  // The arguments ADMIT and RELEASE start with, in the same order.
  const entryArgs = (entry: LineEntry, limits: DeliveryLimits, at: number) => [
    String(at),
    String(at + limits.leaseMs),
    entry.eventKey,
    String(entry.round),
    String(limits.maxInFlight),
    perSecond(limits),
  ];
  const run = (subscriptionId: string, members: readonly string[]) => {
    if (members.length > 0) options.run(entries(subscriptionId, members));
  };

  return {
    async admit(entry, limits, handed = false) {
      const at = now();
      const [answer] = await admitMany([
        {
          keys: keysOf(entry.subscriptionId),
          argv: [...entryArgs(entry, limits, at), entry.subscriptionId, handed ? '1' : '0'],
        },
      ]);
      const [code, ...others] = answer!;
      run(entry.subscriptionId, others as string[]);
      return CODES[String(code)]!;
    },
    async release(entry, limits, options = {}) {
      const at = now();
      const lane = options.advance?.lane ?? options.block?.lane;
      const line = keys.line(entry.subscriptionId);
      const [members] = await releaseMany([
        {
          // Without a lane, "lane", "intake" and "blocked" are a key of the subscription's own, never used.
          keys: [
            ...keysOf(entry.subscriptionId),
            lane === undefined ? line : keys.lane(entry.subscriptionId, lane),
            lane === undefined ? line : keys.intake(lane),
            lane === undefined ? line : keys.blocked(entry.subscriptionId),
          ],
          argv: [
            ...entryArgs(entry, limits, at),
            options.hold ? String(at + limits.leaseMs) : '0',
            options.advance ? '1' : options.block ? '2' : '0',
            entry.subscriptionId,
            lane ?? '',
          ],
        },
      ]);
      run(entry.subscriptionId, members!);
    },
    async lineUp(items) {
      if (items.length === 0) return [];
      const at = now();
      const answers = await lineUpMany(
        items.map(({ entry, limits }) => ({
          keys: keysOf(entry.subscriptionId),
          argv: [
            String(at),
            String(at + limits.leaseMs),
            entry.eventKey,
            String(limits.maxInFlight),
            perSecond(limits),
            entry.subscriptionId,
          ],
        })),
      );
      return answers.map(([lined, ...handed], i) => {
        run(items[i]!.entry.subscriptionId, handed as string[]);
        return lined === 1;
      });
    },
    async enter(event) {
      const at = now();
      const keysOfEvent = [keys.intake(event.orderingKey), keys.ackSeq];
      const argv = [String(event.subscriptions.length), String(at), event.identityKey, event.eventKey];
      for (const { subscriptionId, matched, limits } of event.subscriptions) {
        keysOfEvent.push(...keysOf(subscriptionId), keys.lane(subscriptionId, event.orderingKey));
        argv.push(
          matched ? '1' : '0',
          String(limits.maxInFlight),
          perSecond(limits),
          String(at + limits.leaseMs),
          subscriptionId,
        );
      }
      const [perSubscription] = await enterMany([{ keys: keysOfEvent, argv }]);
      perSubscription!.forEach((members, i) => run(event.subscriptions[i]!.subscriptionId, members));
    },
    laneLength: (subscriptionId, lane) => redis.zcard(keys.lane(subscriptionId, lane)),
    async settle(entry) {
      await redis.zrem(keys.line(entry.subscriptionId), `${entry.eventKey}|${entry.round}`);
    },
    async sweep(limitsOf) {
      const ids = await redis.srandmember(keys.lines, options.sweepBatch ?? 500);
      const at = now();
      const items: (ScriptItem & { id: string })[] = [];
      for (const id of ids) {
        const limits = limitsOf(id);
        if (!limits) continue;
        items.push({
          id,
          keys: keysOf(id),
          argv: [String(at), String(at + limits.leaseMs), String(limits.maxInFlight), perSecond(limits), id],
        });
      }
      if (items.length === 0) return 0;
      const answers = await sweepMany(items);
      answers.forEach((members, i) => run(items[i]!.id, members));
      return answers.reduce((sum, members) => sum + members.length, 0);
    },
  };
}
