import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connection';
import { QUEUE_NAMES } from './key-space';

export interface QueueCount {
  readonly queue: string;
  readonly state: 'waiting' | 'delayed' | 'active' | 'failed';
  readonly count: number;
}

export interface QueueCounts {
  /** Jobs per queue and state; prioritized jobs (bulk replays) count as waiting. */
  read(): Promise<QueueCount[]>;
  close(): Promise<void>;
}

/** Reads how many jobs each BullMQ queue of ce-relay holds, over all shards (their prefixes), for metrics. */
export function createQueueCounts(connection: RedisClient, prefixes: readonly string[]): QueueCounts {
  const queues = prefixes.flatMap((prefix) =>
    Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection, prefix })),
  );
  // Connection errors surface in `read`, where the caller reports them; not as unhandled events.
  for (const queue of queues) queue.on('error', () => undefined);
  return {
    async read() {
      const counted = await Promise.all(
        queues.map(async (queue) => {
          const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed');
          return [
            { queue: queue.name, state: 'waiting', count: (c.waiting ?? 0) + (c.prioritized ?? 0) },
            { queue: queue.name, state: 'delayed', count: c.delayed ?? 0 },
            { queue: queue.name, state: 'active', count: c.active ?? 0 },
            { queue: queue.name, state: 'failed', count: c.failed ?? 0 },
          ] as const;
        }),
      );
      // A queue's counts summed over its shards.
      const sums = new Map<string, QueueCount>();
      for (const count of counted.flat()) {
        const key = `${count.queue} ${count.state}`;
        sums.set(key, { ...count, count: (sums.get(key)?.count ?? 0) + count.count });
      }
      return [...sums.values()];
    },
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
