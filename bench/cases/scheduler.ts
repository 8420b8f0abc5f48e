import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { postEvents } from '../support/load';
import { subscribeBench, startRelay, startScript, stop, type BenchRedis } from '../support/processes';
import { median } from '../support/stats';
import { FANOUT } from './end-to-end';

/** Ordering keys the events are spread over. */
export const KEYS = 1_000;

/** The subscription settings each variant compares. */
const VARIANTS = {
  tuned: { maxInFlight: 50 },
  default: {},
  unordered: { maxInFlight: 50 },
  ordered: { maxInFlight: 50, ordering: 'key' },
} as const;

type Variant = keyof typeof VARIANTS;

export interface SchedulerFigures {
  /** Events per second end to end, per variant (median of runs). */
  readonly eventsPerSecond: Record<Variant, number>;
  /** Medians of each run's ratio of two variants measured one after the other. */
  readonly defaultOverTuned: number;
  readonly orderedOverUnordered: number;
  readonly lost: number;
}

/**
 * End to end as `benchEndToEnd` (an API and a worker process, three subscriptions on one sink,
 * events in batches of 100 over 1,000 ordering keys) with the subscriptions set as each variant
 * says: default settings against tuned ones (`maxInFlight: 50`), ordered against unordered. The
 * two of a pair run one after the other, on fresh processes and keys, so that a ratio compares
 * figures taken a minute apart at most.
 */
export async function benchScheduler(
  redis: BenchRedis,
  options: { readonly runs: number; readonly events: number },
): Promise<SchedulerFigures> {
  const sink = await startScript('sink-server.js');
  const sinkUrl = `http://127.0.0.1:${sink.port}`;
  let lost = 0;
  let serial = 0;
  const drive = async (variant: Variant): Promise<number> => {
    const prefix = `bench-scheduler-${variant}-${serial++}`;
    const processes: ChildProcess[] = [];
    try {
      const api = await startRelay(redis.url, prefix, 'api');
      processes.push(api.child);
      processes.push((await startRelay(redis.url, prefix, 'worker')).child);
      for (let i = 0; i < FANOUT; i++) {
        await subscribeBench(api.port, `${sinkUrl}/hook/${i}`, VARIANTS[variant]);
      }
      const deliverQueue = new Queue('deliver', { connection: redis.client, prefix: `{${prefix}}` });
      while ((await deliverQueue.getWorkers()).length === 0) await new Promise((r) => setTimeout(r, 100));
      await deliverQueue.close();
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // subscriptions reach the worker's index
      await fetch(`${sinkUrl}/reset`, { method: 'POST', headers: { 'x-record-latency': 'false' } });
      const started = Date.now();
      const load = await postEvents({
        port: api.port,
        batchSize: 100,
        label: prefix,
        connections: 4,
        amount: options.events / 100,
        keys: KEYS,
      });
      const expected = load.accepted * FANOUT;
      const deadline = Date.now() + 120_000;
      let stats = { count: 0, lastAt: Date.now() };
      while (stats.count < expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        stats = (await (await fetch(`${sinkUrl}/stats`)).json()) as typeof stats;
      }
      lost += Math.max(0, expected - stats.count) + load.failed;
      return load.accepted / ((stats.lastAt - started) / 1000);
    } finally {
      for (const child of processes) await stop(child);
    }
  };
  try {
    const runs: Record<Variant, number>[] = [];
    for (let run = 0; run < options.runs; run++) {
      // Alternate which of a pair goes first: a machine that speeds up or slows down favours neither.
      const order: Variant[][] =
        run % 2 === 0
          ? [
              ['tuned', 'default'],
              ['unordered', 'ordered'],
            ]
          : [
              ['default', 'tuned'],
              ['ordered', 'unordered'],
            ];
      const figures = {} as Record<Variant, number>;
      for (const pair of order) for (const variant of pair) figures[variant] = await drive(variant);
      runs.push(figures);
    }
    const of = (variant: Variant) => median(runs.map((r) => r[variant]));
    return {
      eventsPerSecond: {
        tuned: of('tuned'),
        default: of('default'),
        unordered: of('unordered'),
        ordered: of('ordered'),
      },
      defaultOverTuned: median(runs.map((r) => r.default / r.tuned)),
      orderedOverUnordered: median(runs.map((r) => r.ordered / r.unordered)),
      lost,
    };
  } finally {
    await stop(sink.child);
  }
}
