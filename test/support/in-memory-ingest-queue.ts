import type { IngestItem, IngestQueue } from '../../src/queues';

/** An IngestQueue in memory with the same dedupe rule as the BullMQ one (no expiry). */
export class InMemoryIngestQueue implements IngestQueue {
  readonly items: IngestItem[] = [];
  private readonly seen = new Set<string>();
  failWith: Error | undefined;

  async enqueue(items: readonly IngestItem[]) {
    if (this.failWith) throw this.failWith;
    return items.map((item) => {
      const duplicate = this.seen.has(item.key);
      if (!duplicate) {
        this.seen.add(item.key);
        this.items.push(item);
      }
      return { key: item.key, duplicate };
    });
  }

  async close() {}
}
