import { Queue } from 'bullmq';
import { postEvents } from '../support/load';
import { cpuMicros, startRelay, startScript, stop, type BenchRedis } from '../support/processes';
import { median, repeat } from '../support/stats';

export interface IngestFigures {
  readonly bare: number;
  /** CPU time of the server process per request, in microseconds. */
  readonly bareCpu: number;
  readonly single: number;
  readonly singleCpu: number;
  readonly singleP99: number;
  /** Median over the interleaved pairs of ce-relay's req/s (and CPU per request) over bare's. */
  readonly ratio: number;
  readonly cpuRatio: number;
  readonly batchedEvents: number;
  readonly failed: number;
  /** Events claimed by a stored ingest job, against events answered 202: never fewer. */
  readonly queued: number;
  readonly acknowledged: number;
}

export interface IngestOptions {
  readonly runs: number;
  readonly seconds: number;
  readonly connections: number;
}

/**
 * Single structured POSTs against a bare Express 5 app (parses the body, answers 202) and
 * ce-relay's API (validates, deduplicates, queues in Redis before the 202), run after run in
 * turn; then batches of 100.
 */
export async function benchIngest(redis: BenchRedis, options: IngestOptions): Promise<IngestFigures> {
  const load = (port: number, batchSize: number, label: string, duration = options.seconds) =>
    postEvents({ port, batchSize, label, duration, connections: options.connections });
  /** A load, with the server's CPU time per request it answered 2xx. */
  const measured = async (pid: number | undefined, batchSize: number, label: string) => {
    const cpuBefore = cpuMicros(pid);
    const result = await load(pid === undefined ? 0 : ports.get(pid)!, batchSize, label);
    return { ...result, cpuPerRequest: (cpuMicros(pid) - cpuBefore) / (result.accepted / batchSize) };
  };
  const ports = new Map<number, number>();

  // Both servers up at once, their runs interleaved (bare, ce-relay, bare, ...): the ratio of
  // each pair is measured seconds apart, whatever the machine's speed does meanwhile.
  const bare = await startScript('bare-express-server.js');
  ports.set(bare.child.pid!, bare.port);
  const prefix = 'bench-ingest';
  const relay = await startRelay(redis.url, prefix, 'api');
  ports.set(relay.child.pid!, relay.port);
  await load(bare.port, 1, 'warmup', 1);
  await load(relay.port, 1, 'warmup', 1);
  const queue = new Queue('ingest', { connection: redis.client, prefix: `{${prefix}}` });
  const before = await countClaims(redis, prefix);
  const pairs = await repeat(options.runs, async (run) => ({
    bare: await measured(bare.child.pid, 1, `bare-${run}`),
    single: await measured(relay.child.pid, 1, `single-${run}`),
  }));
  const bareRuns = pairs.map((p) => p.bare);
  const singleRuns = pairs.map((p) => p.single);
  await stop(bare.child);
  const batchRuns = await repeat(options.runs, (run) => load(relay.port, 100, `batch-${run}`));
  await stop(relay.child);
  const queued = (await countClaims(redis, prefix)) - before;
  await queue.obliterate({ force: true });
  await queue.close();

  const all = [...singleRuns, ...batchRuns];
  return {
    bare: median(bareRuns.map((r) => r.requestsPerSecond)),
    bareCpu: median(bareRuns.map((r) => r.cpuPerRequest)),
    single: median(singleRuns.map((r) => r.requestsPerSecond)),
    singleCpu: median(singleRuns.map((r) => r.cpuPerRequest)),
    singleP99: median(singleRuns.map((r) => r.p99)),
    ratio: median(pairs.map((p) => p.single.requestsPerSecond / p.bare.requestsPerSecond)),
    cpuRatio: median(pairs.map((p) => p.single.cpuPerRequest / p.bare.cpuPerRequest)),
    batchedEvents: median(batchRuns.map((r) => r.requestsPerSecond * 100)),
    failed: all.reduce((n, r) => n + r.failed, 0),
    queued,
    acknowledged: all.reduce((n, r) => n + r.accepted, 0),
  };
}

/** Events claimed by a stored ingest job (`{prefix}:seen:<key>`, set once the job is in Redis). */
async function countClaims(redis: BenchRedis, prefix: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await redis.client.scan(cursor, 'MATCH', `{${prefix}}:seen:*`, 'COUNT', 10_000);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}
