import { orderingKey } from '../events';
import type { EnqueueOutcome, IngestQueue } from './bullmq-ingest-queue';
import type { IngestItem } from './ingest-job';

/**
 * The ingest queue of many shards: each event goes to the queue of its ordering key's shard, so
 * its claim, its job and everything routed from it share that shard's slot. A request's events
 * of several shards are queued in parallel, and answered once every shard confirmed its own.
 */
export function createShardedIngestQueue(
  queues: readonly IngestQueue[],
  shardOf: (orderingKey: string) => number,
): IngestQueue {
  if (queues.length === 1) return queues[0]!;
  return {
    async enqueue(items) {
      const byShard = new Map<number, { items: IngestItem[]; at: number[] }>();
      items.forEach((item, at) => {
        const shard = shardOf(orderingKey(item.event, item.tenant));
        const group = byShard.get(shard) ?? { items: [], at: [] };
        group.items.push(item);
        group.at.push(at);
        byShard.set(shard, group);
      });
      const outcomes = new Array<EnqueueOutcome>(items.length);
      await Promise.all(
        [...byShard].map(async ([shard, group]) => {
          const answered = await queues[shard]!.enqueue(group.items);
          answered.forEach((outcome, i) => (outcomes[group.at[i]!] = outcome));
        }),
      );
      return outcomes;
    },
    close: async () => {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
