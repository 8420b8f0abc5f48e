import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../../src/runtime';

const root = path.join(__dirname, '..', '..');
export const BENCH_ADMIN_KEY = 'bench-admin-key-0000000000001';

export async function waitForHttp(port: number, path = '/healthz'): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing answers on port ${port}`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Redis settings the bench applies on top of its defaults (`BENCH_REDIS_CONFIG`, e.g.
 * "auto-aof-rewrite-percentage 400, hz 20"), to see what an operator's setting changes.
 */
export function benchRedisConfig(): [string, string][] {
  const spec = process.env.BENCH_REDIS_CONFIG ?? '';
  return spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [name, ...value] = pair.split(/\s+/);
      if (!name || value.length === 0) throw new Error(`BENCH_REDIS_CONFIG: "${pair}" is not "name value"`);
      return [name, value.join(' ')];
    });
}

/** A redis-server of the bench's own (AOF everysec, as in production), in a temp dir. */
export async function startBenchRedis() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-relay-bench-'));
  const server = await startRedisServer({ port: await freePort(), dir });
  const client = new Redis(server.url, { maxRetriesPerRequest: null });
  try {
    for (const [name, value] of benchRedisConfig()) await client.config('SET', name, value);
  } catch (error) {
    client.disconnect();
    await server.stop();
    throw error;
  }
  return {
    url: server.url,
    pid: server.pid,
    client,
    /** Commands Redis has run so far, by name (`INFO commandstats`; a script counts once). */
    async commandCalls(): Promise<Map<string, number>> {
      const stats = await client.info('commandstats');
      return new Map([...stats.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
    },
    /** The AOF's size now, how many times Redis has rewritten it, and whether it is rewriting it. */
    async aof(): Promise<{ size: number; rewrites: number; rewriting: boolean }> {
      const info = await client.info('persistence');
      const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1]);
      return {
        size: field('aof_current_size'),
        rewrites: field('aof_rewrites'),
        rewriting: field('aof_rewrite_in_progress') === 1 || field('aof_rewrite_scheduled') === 1,
      };
    },
    /** Stops Redis rewriting its AOF as it grows; answers how to restore the setting. */
    async pauseAutoRewrite(): Promise<() => Promise<void>> {
      const [, percentage] = await client.config('GET', 'auto-aof-rewrite-percentage');
      await client.config('SET', 'auto-aof-rewrite-percentage', '0');
      return async () => {
        await client.config('SET', 'auto-aof-rewrite-percentage', percentage!);
      };
    },
    async usedMemory(): Promise<number> {
      const info = await client.info('memory');
      return Number(/used_memory:(\d+)/.exec(info)?.[1]);
    },
    async stop() {
      client.disconnect();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type BenchRedis = Awaited<ReturnType<typeof startBenchRedis>>;

/**
 * A plain JS server of bench/ in a child process, listening on a free port: answers once the
 * script has told it is listening (each sends `listening` to its parent), within 10 s.
 */
export async function startScript(script: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = fork(path.join(__dirname, '..', script), [], { env: { ...process.env, PORT: String(port) } });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${script} did not start within 10 s`)), 10_000);
      child.once('message', () => {
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited (${code})`));
      });
    });
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { port, child };
}

/** ce-relay from dist/ (`npm run build` first) in a child process, with `role` and extra settings. */
export async function startRelay(
  redisUrl: string,
  prefix: string,
  role: 'api' | 'worker' | 'all',
  env: Record<string, string> = {},
): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the ce-relay processes.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/src/main.js')], {
    env: {
      ...process.env,
      ROLE: role,
      REDIS_URL: redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      KEY_PREFIX: prefix,
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      ALLOW_SINK_CIDRS: '127.0.0.0/8',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // A worker-only process serves no HTTP; the caller waits for its workers in Redis.
  if (role !== 'worker') {
    try {
      await waitForHttp(port, '/readyz');
    } catch (error) {
      await stop(child);
      throw error;
    }
  }
  return { port, child };
}

/** CPU time (user + system) a process has used so far, in microseconds (Linux /proc). */
export function cpuMicros(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted from the state field (3).
    return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1e6;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100;

/** Read and write system calls a process has made so far (`/proc/<pid>/io`); NaN if unknown. */
export function syscalls(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}: (\\d+)`).exec(io)?.[1]);
    return field('syscr') + field('syscw');
  } catch {
    return Number.NaN;
  }
}

/**
 * Starts counting the machine's CPU time (all cores, `/proc/stat`); the function answers the
 * share of it spent busy since (not idle, not waiting for I/O), or NaN where there is no
 * `/proc/stat`.
 */
export function machineBusySince(): () => number {
  const read = (): number[] => {
    try {
      // user nice system idle iowait irq softirq steal (guest time is counted in user already)
      return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    } catch {
      return [];
    }
  };
  const before = read();
  return () => {
    const spent = read().map((ticks, i) => ticks - (before[i] ?? Number.NaN));
    const total = spent.reduce((a, b) => a + b, 0);
    const idle = (spent[3] ?? Number.NaN) + (spent[4] ?? Number.NaN);
    return total > 0 ? (total - idle) / total : Number.NaN;
  };
}

/** Creates a subscription to AO's order events through the API on `apiPort`; answers its id. */
export async function subscribeBench(apiPort: number, sink: string, delivery: object): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${apiPort}/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sink, types: ['ao.order.statuschanged'], delivery }),
  });
  if (res.status !== 201) throw new Error(`subscription refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}
