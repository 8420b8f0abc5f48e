/**
 * Ingest benchmark: single-event structured POSTs and 100-event batches against ce-relay
 * (API only, real Redis of its own with AOF), next to a bare Express 5 app that parses the same
 * body and answers 202. Prints one table. `npm run bench:ingest [-- --quick]`.
 *
 * Every figure is measured in this run on this machine; the ingest queue is counted afterwards
 * to check that every 202 left a job behind.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../src/runtime';

const quick = process.argv.includes('--quick');
const DURATION_S = quick ? 3 : 10;
const WARMUP_S = quick ? 1 : 2;
const CONNECTIONS = 50;
const root = path.join(__dirname, '..');

function event(id: string) {
  return {
    specversion: '1.0',
    id,
    type: 'ao.order.statuschanged',
    source: '/tenants/1/orders/fc9036ec-eb4a-496c-8c77-e972e3e800aa',
    time: '2020-11-06T14:36:00.000+02:00',
    datacontenttype: 'application/json',
    data: { resourceReference: '/tenants/1/orders/fc9036ec-eb4a-496c-8c77-e972e3e800aa' },
  };
}

async function waitForHttp(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing answers on port ${port}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function countQueued(url: string): Promise<number> {
  const client = new Redis(url);
  const queue = new Queue('ingest', { connection: client, prefix: '{bench}' });
  const count = await queue.getWaitingCount();
  await queue.close();
  client.disconnect();
  return count;
}

interface Run {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly accepted: number;
}

async function load(
  port: number,
  contentType: string,
  batchSize: number,
  label: string,
  duration = DURATION_S,
): Promise<Run> {
  let counter = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/events',
        headers: { 'content-type': contentType },
        setupRequest: (request) => {
          const body =
            batchSize === 1
              ? event(`${label}-${counter++}`)
              : Array.from({ length: batchSize }, () => event(`${label}-${counter++}`));
          return { ...request, body: JSON.stringify(body) };
        },
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    accepted: result['2xx'] * batchSize,
  };
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-relay-bench-'));
  const redis = await startRedisServer({ port: await freePort(), dir });
  const rows: string[][] = [];
  try {
    const barePort = await freePort();
    const bare = fork(path.join(__dirname, 'bare-express-server.js'), [], {
      env: { ...process.env, PORT: String(barePort) },
    });
    await waitForHttp(barePort);
    await load(barePort, 'application/cloudevents+json', 1, 'warmup', WARMUP_S);
    const bareSingle = await load(barePort, 'application/cloudevents+json', 1, 'bare');
    await stop(bare);

    const port = await freePort();
    const relay = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
      env: {
        ...process.env,
        ROLE: 'api',
        REDIS_URL: redis.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        KEY_PREFIX: 'bench',
      },
      stdio: 'inherit',
    });
    await waitForHttp(port);
    await load(port, 'application/cloudevents+json', 1, 'warmup', WARMUP_S);
    const warmupJobs = await countQueued(redis.url);
    const single = await load(port, 'application/cloudevents+json', 1, 'single');
    const batched = await load(port, 'application/cloudevents-batch+json', 100, 'batch');
    await stop(relay);

    const queued = (await countQueued(redis.url)) - warmupJobs;

    const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
    rows.push([
      'bare Express 5, single event',
      `${fmt(bareSingle.requestsPerSecond)} req/s`,
      `${bareSingle.p50} / ${bareSingle.p99} ms`,
      String(bareSingle.non2xx),
      'baseline',
    ]);
    rows.push([
      'ce-relay, single event (validated, deduped, queued)',
      `${fmt(single.requestsPerSecond)} req/s`,
      `${single.p50} / ${single.p99} ms`,
      String(single.non2xx),
      `${(single.requestsPerSecond / bareSingle.requestsPerSecond).toFixed(2)} x bare`,
    ]);
    rows.push([
      'ce-relay, batches of 100',
      `${fmt(batched.requestsPerSecond * 100)} events/s`,
      `${batched.p50} / ${batched.p99} ms`,
      String(batched.non2xx),
      `${fmt(batched.requestsPerSecond)} req/s`,
    ]);
    const header = ['case', 'throughput', 'latency p50 / p99', 'errors', 'compared'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(
      `\nce-relay ingest benchmark: ${cpus().length} cores, Node ${process.version}, ${CONNECTIONS} connections, ${DURATION_S} s per case`,
    );
    console.log(line(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of rows) console.log(line(row));
    // Requests still in flight when autocannon stops are queued but not counted as 2xx,
    // so the queue may hold more than the 202s counted, never fewer.
    const expected = single.accepted + batched.accepted;
    console.log(
      `\nqueued jobs: ${queued}; events answered 202: ${expected}${queued >= expected ? '' : '  LOST EVENTS'}`,
    );
    if (queued < expected) process.exitCode = 1;
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
