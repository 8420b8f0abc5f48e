import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
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

/** Reads how many jobs each BullMQ queue of ce-relay holds, for metrics. */
export function createQueueCounts(connection: Redis, prefix: string): QueueCounts {
  const queues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection, prefix }));
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
      return counted.flat();
    },
    async close() {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
