import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { postAtFixedRate, postEvents } from '../support/load';
import {
  subscribeBench,
  cpuMicros,
  machineBusySince,
  startRelay,
  startScript,
  stop,
  syscalls,
  type BenchRedis,
} from '../support/processes';
import { median, percentile, repeat } from '../support/stats';

const PREFIX = 'bench-e2e';
/** Subscriptions each event goes to. */
export const FANOUT = 3;
/** In-flight cap of each subscription: as many as one worker process sends at once. */
const MAX_IN_FLIGHT = Number(process.env.BENCH_MAX_IN_FLIGHT ?? 50);
/**
 * Events per second while the AOF's growth is measured, for 10 s: low enough for any machine, so
 * that each event has its own ingest job and script calls (the most bytes an event) whatever the
 * machine's speed. At 500/s the same code measured 7,037 bytes in one run and 9,552-9,707 in others
 * the same night, as the share of events sharing jobs, or routed through deliver jobs, moved.
 */
export const AOF_RATE = 100;
const AOF_SECONDS = 10;

export interface EndToEndFigures {
  readonly eventsPerSecond: number;
  readonly deliveriesPerSecond: number;
  /** The baseline's rate (median of its runs), when one was given. */
  readonly baselinePerSecond?: number;
  /** Median over the runs of deliveries/s over the baseline's rate measured just before. */
  readonly deliveriesPerBaseline?: number;
  readonly bytesPerEvent: number;
  /** CPU time per delivery of the worker process and of redis-server, in microseconds. */
  readonly workerCpuPerDelivery: number;
  readonly redisCpuPerDelivery: number;
  /** Redis commands per event, every process's (API, worker, BullMQ) counted. */
  readonly commandsPerEvent: number;
  /** Bytes Redis appended to its AOF per event, single events at a steady rate. */
  readonly aofBytesPerEvent: number;
  /** One entry per rate asked for. */
  readonly latency: readonly LatencyFigures[];
  readonly lost: number;
}

/** A figure for each of ce-relay's API process, its worker process and redis-server. */
type PerProcess = { readonly api: number; readonly worker: number; readonly redis: number };

export interface LatencyFigures {
  readonly rate: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /**
   * Each run's p99, and whether an AOF rewrite was under way at some point of it (one started
   * before the run may still be running), in run order.
   */
  readonly runs: readonly { readonly p99: number; readonly duringRewrite: boolean }[];
  readonly count: number;
  /** How long after the last request was answered the last delivery arrived (median of runs). */
  readonly drainMs: number;
  /** From the request to its 202: the part of the latency before the worker. */
  readonly ackP50: number;
  readonly ackP99: number;
  /** AOF rewrites Redis started during the runs, in all. */
  readonly aofRewrites: number;
  /** The share of the machine's CPU (both cores) busy while the requests went out (median of runs). */
  readonly machineBusy: number;
  /**
   * CPU time per event of the API process, the worker process and redis-server, in microseconds,
   * from the first request until the last delivery arrived (median of runs).
   */
  readonly cpuPerEvent: PerProcess;
  /** Read and write system calls per event of the same processes, over the same time. */
  readonly syscallsPerEvent: PerProcess;
}

export interface EndToEndOptions {
  readonly runs: number;
  readonly events: number;
  readonly latencySeconds: number;
  /** Events per second of each latency measurement. */
  readonly latencyRates: readonly number[];
  /** Settings for the ce-relay processes (e.g. concurrency). */
  readonly env?: Record<string, string>;
  /**
   * A rate to compare with (raw BullMQ's jobs/s), measured just before each run: each ratio is
   * of two figures taken seconds apart, whatever the machine's speed does over the whole bench.
   */
  readonly baseline?: () => Promise<number>;
}

interface SinkStats {
  count: number;
  lastAt: number;
  latencies: number[];
}

/** Each process's median over the runs. */
function medians(runs: readonly PerProcess[]): PerProcess {
  return {
    api: median(runs.map((r) => r.api)),
    worker: median(runs.map((r) => r.worker)),
    redis: median(runs.map((r) => r.redis)),
  };
}

/** Polls Redis until stopped; `stop` answers whether an AOF rewrite was under way at any poll. */
function watchRewrites(redis: BenchRedis): { stop(): Promise<boolean> } {
  let seen = false;
  let stopped = false;
  const polling = (async () => {
    while (!stopped) {
      if ((await redis.aof()).rewriting) seen = true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  // A failed poll is answered by `stop`, not left as an unhandled rejection meanwhile.
  polling.catch(() => {});
  return {
    async stop() {
      stopped = true;
      await polling;
      return seen;
    },
  };
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * ce-relay as docker-compose runs it (an API process and a worker process) with three
 * subscriptions on one local sink: throughput (events posted in batches of 100 until every
 * delivery arrived), Redis memory retained per event, and latency at a fixed rate of single POSTs
 * (from just before the request to the sink's receipt).
 */
export async function benchEndToEnd(redis: BenchRedis, options: EndToEndOptions): Promise<EndToEndFigures> {
  const sink = await startScript('sink-server.js');
  const sinkUrl = `http://127.0.0.1:${sink.port}`;
  const processes: ChildProcess[] = [];
  try {
    const api = await startRelay(redis.url, PREFIX, 'api', options.env);
    processes.push(api.child);
    const worker = await startRelay(redis.url, PREFIX, 'worker', options.env);
    processes.push(worker.child);
    for (let i = 0; i < FANOUT; i++) {
      await subscribeBench(api.port, `${sinkUrl}/hook/${i}`, { maxInFlight: MAX_IN_FLIGHT });
    }
    const deliverQueue = new Queue('deliver', { connection: redis.client, prefix: `{${PREFIX}}` });
    await waitFor(
      () => deliverQueue.getWorkers(),
      (w) => w.length > 0,
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // subscriptions reach the worker's index

    const stats = async (): Promise<SinkStats> =>
      (await fetch(`${sinkUrl}/stats`)).json() as Promise<SinkStats>;
    const reset = (record: boolean) =>
      fetch(`${sinkUrl}/reset`, { method: 'POST', headers: { 'x-record-latency': String(record) } });
    let lost = 0;

    const drive = async (label: string, events: number) => {
      await reset(false);
      const before = await redis.usedMemory();
      const cpuBefore = [cpuMicros(worker.child.pid), cpuMicros(redis.pid)] as const;
      const callsBefore = await redis.commandCalls();
      const started = Date.now();
      const load = await postEvents({
        port: api.port,
        batchSize: 100,
        label,
        connections: 4,
        amount: events / 100,
      });
      const expected = load.accepted * FANOUT;
      const final = await waitFor(stats, (s) => s.count >= expected, 120_000);
      lost += Math.max(0, expected - final.count) + load.failed;
      const seconds = (final.lastAt - started) / 1000;
      const deliveries = load.accepted * FANOUT;
      const workerCpu = (cpuMicros(worker.child.pid) - cpuBefore[0]) / deliveries;
      const redisCpu = (cpuMicros(redis.pid) - cpuBefore[1]) / deliveries;
      const calls = await redis.commandCalls();
      for (const [name, before] of callsBefore) calls.set(name, (calls.get(name) ?? 0) - before);
      // The sink's stats polls run no Redis command; this count's own INFO is the one extra.
      const commands = [...calls.values()].reduce((a, b) => a + b, 0) - 1;
      if (process.env.BENCH_VERBOSE)
        console.error(
          label,
          [...calls].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]),
        );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await redis.usedMemory();
      return {
        eventsPerSecond: load.accepted / seconds,
        bytesPerEvent: (after - before) / load.accepted,
        workerCpu,
        redisCpu,
        commandsPerEvent: commands / load.accepted,
      };
    };

    await drive('e2e-warmup', Math.min(2_000, options.events));
    const runs = await repeat(options.runs, async (run) => {
      const baseline = await options.baseline?.();
      return { ...(await drive(`e2e-${run}`, options.events)), baseline };
    });

    // What the pipeline writes to Redis's AOF, single events as in the latency runs: Redis
    // rewrites the AOF (a forked child serializing the whole dataset) each time it has grown by
    // its size again, so these bytes set how often that happens. Rewrites are paused meanwhile.
    const aofBytesPerEvent = await (async () => {
      const resume = await redis.pauseAutoRewrite();
      try {
        await reset(false);
        // A rewrite already under way ends first (the file is replaced when it does).
        const before = await waitFor(
          () => redis.aof(),
          (aof) => !aof.rewriting,
          60_000,
        );
        const load = await postAtFixedRate({
          port: api.port,
          rate: AOF_RATE,
          seconds: AOF_SECONDS,
          label: 'aof',
          connections: 50,
        });
        const final = await waitFor(stats, (s) => s.count >= load.accepted * FANOUT, 120_000);
        lost += Math.max(0, load.accepted * FANOUT - final.count) + load.failed;
        await new Promise((resolve) => setTimeout(resolve, 200)); // the last records written
        const after = await redis.aof();
        // Rewritten meanwhile (one that was under way and not seen): the sizes do not compare.
        if (after.rewrites !== before.rewrites || after.rewriting) return Number.NaN;
        return (after.size - before.size) / load.accepted;
      } finally {
        await resume();
      }
    })();

    const latency: LatencyFigures[] = [];
    for (const rate of options.latencyRates) {
      const latencyRuns = await repeat(options.runs, async (run) => {
        await reset(true);
        const { rewrites } = await redis.aof();
        const watch = watchRewrites(redis);
        const pids = [api.child.pid, worker.child.pid, redis.pid];
        const cpuBefore = pids.map(cpuMicros);
        const callsBefore = pids.map(syscalls);
        const busy = machineBusySince();
        const load = await postAtFixedRate({
          port: api.port,
          rate,
          seconds: options.latencySeconds,
          label: `latency-${rate}-${run}`,
          connections: 50,
        });
        const sent = Date.now();
        const machineBusy = busy();
        const final = await waitFor(stats, (s) => s.count >= load.accepted * FANOUT, 120_000);
        const [apiCpu, workerCpu, redisCpu] = pids.map(
          (pid, i) => (cpuMicros(pid) - cpuBefore[i]!) / load.accepted,
        );
        const [apiCalls, workerCalls, redisCalls] = pids.map(
          (pid, i) => (syscalls(pid) - callsBefore[i]!) / load.accepted,
        );
        lost += Math.max(0, load.accepted * FANOUT - final.count) + load.failed;
        return {
          cpuPerEvent: { api: apiCpu!, worker: workerCpu!, redis: redisCpu! },
          syscallsPerEvent: { api: apiCalls!, worker: workerCalls!, redis: redisCalls! },
          latencies: final.latencies,
          drainMs: final.lastAt - sent,
          ackMs: load.ackMs,
          rewrites: (await redis.aof()).rewrites - rewrites,
          duringRewrite: await watch.stop(),
          machineBusy,
        };
      });
      const all = latencyRuns.map((r) => r.latencies);
      latency.push({
        rate,
        p50: median(all.map((l) => percentile(l, 50))),
        p95: median(all.map((l) => percentile(l, 95))),
        p99: median(all.map((l) => percentile(l, 99))),
        runs: latencyRuns.map((r) => ({ p99: percentile(r.latencies, 99), duringRewrite: r.duringRewrite })),
        count: all.reduce((n, l) => n + l.length, 0),
        drainMs: median(latencyRuns.map((r) => r.drainMs)),
        ackP50: median(latencyRuns.map((r) => percentile(r.ackMs, 50))),
        ackP99: median(latencyRuns.map((r) => percentile(r.ackMs, 99))),
        aofRewrites: latencyRuns.reduce((n, r) => n + r.rewrites, 0),
        machineBusy: median(latencyRuns.map((r) => r.machineBusy)),
        cpuPerEvent: medians(latencyRuns.map((r) => r.cpuPerEvent)),
        syscallsPerEvent: medians(latencyRuns.map((r) => r.syscallsPerEvent)),
      });
    }
    await deliverQueue.close();

    const eventsPerSecond = median(runs.map((r) => r.eventsPerSecond));
    const paired = runs.filter((r): r is typeof r & { baseline: number } => r.baseline !== undefined);
    return {
      eventsPerSecond,
      deliveriesPerSecond: eventsPerSecond * FANOUT,
      ...(paired.length > 0
        ? {
            baselinePerSecond: median(paired.map((r) => r.baseline)),
            deliveriesPerBaseline: median(paired.map((r) => (r.eventsPerSecond * FANOUT) / r.baseline)),
          }
        : {}),
      bytesPerEvent: median(runs.map((r) => r.bytesPerEvent)),
      workerCpuPerDelivery: median(runs.map((r) => r.workerCpu)),
      redisCpuPerDelivery: median(runs.map((r) => r.redisCpu)),
      commandsPerEvent: median(runs.map((r) => r.commandsPerEvent)),
      aofBytesPerEvent,
      latency,
      lost,
    };
  } finally {
    for (const child of processes.reverse()) await stop(child);
    await stop(sink.child);
  }
}
