import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { postAtFixedRate } from '../support/load';
import { subscribeBench, startRelay, startScript, stop, type BenchRedis } from '../support/processes';
import { percentile } from '../support/stats';

export interface IsolationFigures {
  readonly withSlow: boolean;
  readonly events: number;
  /** Redis commands per second while events were posted. */
  readonly commandsPerSecond: number;
  /** How late the failing subscription's retries started after they were due, in ms. */
  readonly retryLateness: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly count: number;
  };
  /** Failing deliveries that reached their third (successful) attempt, of those expected. */
  readonly failingDelivered: number;
}

type SinkStats = { fast: number; slow: number; failing: number; deliveredFailing: number };
type Attempt = { at: string; nextAttemptAt?: string };

/**
 * One run of the isolation scenario: events at `rate` for `seconds` to three subscriptions, fast,
 * failing twice then succeeding (retries 1 s apart) and, when `withSlow`, slow (2 s a request,
 * `maxInFlight: 1`, so its backlog grows). Measures how late the failing subscription's retries
 * start and how hard Redis works.
 */
export async function benchIsolation(
  redis: BenchRedis,
  options: { readonly withSlow: boolean; readonly rate: number; readonly seconds: number },
): Promise<IsolationFigures> {
  const prefix = `bench-isolation-${options.withSlow ? 'slow' : 'plain'}`;
  const sink = await startScript('isolation-sink.js');
  const sinkUrl = `http://127.0.0.1:${sink.port}`;
  const processes: ChildProcess[] = [];
  try {
    const api = await startRelay(redis.url, prefix, 'api');
    processes.push(api.child);
    processes.push((await startRelay(redis.url, prefix, 'worker')).child);
    const subscribe = (route: string, delivery: object) =>
      subscribeBench(api.port, `${sinkUrl}/${route}`, delivery);
    await subscribe('fast', {});
    const failing = await subscribe('failing', { retrySchedule: [1, 1, 1] });
    if (options.withSlow) await subscribe('slow', { maxInFlight: 1, timeoutMs: 10_000 });
    const deliverQueue = new Queue('deliver', { connection: redis.client, prefix: `{${prefix}}` });
    while ((await deliverQueue.getWorkers()).length === 0) await new Promise((r) => setTimeout(r, 100));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // subscriptions reach the worker's index

    const total = async () =>
      Number(/total_commands_processed:(\d+)/.exec(await redis.client.info('stats'))?.[1]);
    const before = await total();
    const started = Date.now();
    const load = await postAtFixedRate({
      port: api.port,
      rate: options.rate,
      seconds: options.seconds,
      label: prefix,
      connections: 8,
    });
    const commandsPerSecond = ((await total()) - before) / ((Date.now() - started) / 1000);

    // Every failing delivery reaches its third attempt (or the wait gives up).
    const stats = async () => (await fetch(`${sinkUrl}/stats`)).json() as Promise<SinkStats>;
    const deadline = Date.now() + 60_000;
    let seen = await stats();
    while (seen.deliveredFailing < load.accepted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await stats();
    }

    // Lateness from the records: each retry's start against the time its previous attempt set.
    const members = await redis.client.zrange(`{${prefix}}:deliveries:sub:${failing}`, '0', '-1');
    const lateness: number[] = [];
    for (let i = 0; i < members.length; i += 500) {
      const pipeline = redis.client.pipeline();
      for (const member of members.slice(i, i + 500)) {
        pipeline.lrange(`{${prefix}}:attempts:${member.slice(member.indexOf('|') + 1)}`, '0', '-1');
      }
      for (const [, list] of (await pipeline.exec()) ?? []) {
        const attempts = (list as string[]).map((json) => JSON.parse(json) as Attempt);
        for (let k = 1; k < attempts.length; k++) {
          const due = attempts[k - 1]!.nextAttemptAt;
          if (due) lateness.push(Date.parse(attempts[k]!.at) - Date.parse(due));
        }
      }
    }
    await deliverQueue.close();
    return {
      withSlow: options.withSlow,
      events: load.accepted,
      commandsPerSecond,
      retryLateness: {
        p50: percentile(lateness, 50),
        p90: percentile(lateness, 90),
        p99: percentile(lateness, 99),
        count: lateness.length,
      },
      failingDelivered: seen.deliveredFailing,
    };
  } finally {
    for (const child of processes) await stop(child);
    await stop(sink.child);
  }
}
