import type { CloudEvent } from '../../../src/events';
import { orderingKey } from '../../../src/events';
import { createShardedIngestQueue, makeIngestItem, shardOf } from '../../../src/queues';
import { makeEvent } from '../../fixtures/make-event';
import { InMemoryIngestQueue } from '../../support/in-memory-ingest-queue';

const item = (id: string, source: string, partitionkey?: string) =>
  makeIngestItem(
    makeEvent({ id, source, ...(partitionkey ? { partitionkey } : {}) }) as unknown as CloudEvent,
    'batched',
    'default',
    new Date(),
  );

describe('createShardedIngestQueue', () => {
  it("queues each event in its ordering key's shard and answers in the request's order", async () => {
    const shards = [new InMemoryIngestQueue(), new InMemoryIngestQueue(), new InMemoryIngestQueue()];
    const queue = createShardedIngestQueue(shards, (key) => shardOf(key, 3));
    const items = Array.from({ length: 30 }, (_, i) =>
      item(`e${i}`, `urn:s${i % 7}`, i % 5 === 0 ? 'p' : undefined),
    );
    const outcomes = await queue.enqueue([...items, items[3]!]);
    expect(outcomes.map((o) => o.key)).toEqual([...items, items[3]!].map((i) => i.key));
    expect(outcomes.map((o) => o.duplicate)).toEqual([...items.map(() => false), true]);
    for (const it of items) {
      const shard = shardOf(orderingKey(it.event, 'default'), 3);
      expect(shards[shard]!.items).toContain(it);
    }
    expect(shards.map((s) => s.items.length).reduce((a, b) => a + b)).toBe(30);
    expect(shards.every((s) => s.items.length > 0)).toBe(true);
  });

  it('fails the request when one shard fails', async () => {
    const shards = [new InMemoryIngestQueue(), new InMemoryIngestQueue()];
    shards[1]!.failWith = new Error('CLUSTERDOWN');
    const queue = createShardedIngestQueue(shards, (key) => shardOf(key, 2));
    const items = Array.from({ length: 20 }, (_, i) => item(`e${i}`, `urn:s${i}`));
    await expect(queue.enqueue(items)).rejects.toThrow('CLUSTERDOWN');
  });

  it('is the one queue itself with one shard', () => {
    const only = new InMemoryIngestQueue();
    expect(createShardedIngestQueue([only], () => 0)).toBe(only);
  });
});
