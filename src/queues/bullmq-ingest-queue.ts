import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { primaryFor, type RedisClient } from './redis-connection';
import type { EventClaims } from './event-claims';
import type { IngestBatchJob, IngestItem } from './ingest-job';
import { QUEUE_NAMES } from './key-space';
import { createMicroBatcher } from '../batching';
import { occurrenceKey } from '../events';
import { claimItem } from './event-claims';

const DOWN = new Set(['reconnecting', 'close', 'end']);

/**
 * A new ingest job's id: 96 random bits in 16 characters of base64url. A job's id is written
 * about twenty times into Redis's AOF in its life (its keys, list entries and stream events, its
 * events' claims), so its length counts. Never digits alone, which BullMQ refuses as custom ids.
 */
export function newIngestJobId(random: () => Buffer = () => randomBytes(12)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!/^-?\d+$/.test(id)) return id;
  }
}

/** Events one ingest job carries at most. */
export const MAX_EVENTS_PER_JOB = 100;

/**
 * Result of queuing one event: the key of its occurrence (its record's key), and whether it was a
 * repeat within the dedupe window.
 */
export interface EnqueueOutcome {
  readonly key: string;
  readonly duplicate: boolean;
}

export interface IngestQueue {
  /**
   * Queues the events and resolves once Redis confirmed every one. When it fails, some may have
   * been queued: they are still processed, and the sender's retry is answered with those that a
   * job already owns marked as duplicates, so nothing is processed twice.
   */
  enqueue(items: readonly IngestItem[]): Promise<EnqueueOutcome[]>;
  close(): Promise<void>;
}

export interface BullmqIngestQueueOptions {
  readonly connection: RedisClient;
  readonly prefix: string;
  readonly claims: EventClaims;
  /**
   * Replicas that must acknowledge each flush's writes (WAIT) before its events are answered as
   * queued, within `timeoutMs`; otherwise the flush fails as Redis being unavailable (503).
   */
  readonly replicaAcks?: { readonly replicas: number; readonly timeoutMs: number };
  readonly onError?: (error: Error) => void;
}

/**
 * Waits until `replicas` replicas hold every write this connection made (the flush's job and
 * claims among them). Fewer in time: the error names NOREPLICAS, which callers answer with 503.
 */
async function replicated(
  connection: RedisClient,
  prefix: string,
  { replicas, timeoutMs }: { replicas: number; timeoutMs: number },
) {
  // In a cluster, WAIT goes to the primary that took the writes: the one of the queue's slot.
  const acknowledged = await primaryFor(connection, `${prefix}:${QUEUE_NAMES.ingest}`).wait(
    replicas,
    timeoutMs,
  );
  if (acknowledged < replicas) {
    throw new Error(
      `NOREPLICAS ${acknowledged} of ${replicas} replicas acknowledged the write in ${timeoutMs} ms`,
    );
  }
}

/**
 * The ingest queue on BullMQ. Requests that arrive in the same turn of the event loop share
 * one `addBulk`, and their events share jobs (up to `MAX_EVENTS_PER_JOB` each); each request is
 * answered only once Redis confirmed the jobs its events are in.
 *
 * Deduplication: once its job is stored, each event is claimed for that job (`EventClaims`);
 * the first job to claim an event owns it, and the worker processes only the events its job
 * owns, claiming them itself first. So a concurrent repeat cannot get in twice, and an event
 * whose job was stored but whose claim failed (the request got a 503) is still processed once,
 * by whichever job claims it first: this one, or the sender's retry.
 */
export function createBullmqIngestQueue(options: BullmqIngestQueueOptions): IngestQueue & { queue: Queue } {
  const queue = new Queue(QUEUE_NAMES.ingest, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { age: 30 * 86_400 },
    },
  });
  queue.on('error', (error) => options.onError?.(error));

  const add = createMicroBatcher(async (items: readonly IngestItem[]): Promise<EnqueueOutcome[]> => {
    // A repeat within the flush is a duplicate of its first occurrence.
    const firstByKey = new Map<string, IngestItem>();
    for (const item of items) if (!firstByKey.has(item.key)) firstByKey.set(item.key, item);
    const first = [...firstByKey.values()];
    const jobs: { id: string; data: IngestBatchJob }[] = [];
    for (let i = 0; i < first.length; i += MAX_EVENTS_PER_JOB) {
      jobs.push({ id: newIngestJobId(), data: { v: 2, items: first.slice(i, i + MAX_EVENTS_PER_JOB) } });
    }
    // One job (the usual case below some thousand events a second): without addBulk's MULTI/EXEC.
    if (jobs.length === 1) await queue.add('events', jobs[0]!.data, { jobId: jobs[0]!.id });
    else
      await queue.addBulk(jobs.map((job) => ({ name: 'events', data: job.data, opts: { jobId: job.id } })));
    const owners = await Promise.all(
      jobs.map((job) => options.claims.claim(job.id, job.data.items.map(claimItem))),
    );
    if (options.replicaAcks) await replicated(options.connection, options.prefix, options.replicaAcks);
    // Each event's occurrence, by identity key: the job that owns it, and whether that is ours.
    const outcomes = new Map<string, EnqueueOutcome>();
    jobs.forEach((job, j) =>
      job.data.items.forEach((item, i) => {
        const owner = owners[j]![i]!;
        outcomes.set(item.key, { key: occurrenceKey(item.key, owner), duplicate: owner !== job.id });
      }),
    );
    return items.map((item) => {
      const outcome = outcomes.get(item.key)!;
      // A repeat within the same flush is a duplicate of its first occurrence.
      return firstByKey.get(item.key) === item ? outcome : { key: outcome.key, duplicate: true };
    });
  });
  return {
    queue,
    async enqueue(items) {
      if (items.length === 0) return [];
      // Known to be down (lost, or never reached): fail now rather than wait for a reconnect.
      if (DOWN.has(options.connection.status))
        throw new Error(`Redis connection is ${options.connection.status}`);
      return add(items);
    },
    close: () => queue.close(),
  };
}
