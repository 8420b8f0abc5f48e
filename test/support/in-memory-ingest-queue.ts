import type { IngestJob, IngestQueue } from '../../src/queues';

/** An IngestQueue in memory with the same dedupe rule as the BullMQ one (no expiry). */
export class InMemoryIngestQueue implements IngestQueue {
  readonly jobs: IngestJob[] = [];
  private readonly seen = new Set<string>();
  failWith: Error | undefined;

  async enqueue(jobs: readonly IngestJob[]) {
    if (this.failWith) throw this.failWith;
    return jobs.map((job) => {
      const duplicate = this.seen.has(job.key);
      if (!duplicate) {
        this.seen.add(job.key);
        this.jobs.push(job);
      }
      return { key: job.key, duplicate };
    });
  }

  async close() {}
}
