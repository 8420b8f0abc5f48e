/**
 * `npm run bench [-- --quick] [-- --only=ingest,e2e,routing,scheduler] [-- --runs=N] [-- --rates=R1,R2]`:
 * ce-relay's benchmark suite, on loopback, with its own Redis and sinks. Prints one table in which
 * each figure stands next to the baseline it is compared to, all measured in this run on this
 * machine (medians of several runs). Exits 1 when an acknowledged event was not delivered.
 */
import { cpus, totalmem } from 'node:os';
import {
  AOF_RATE,
  benchEndToEnd,
  FANOUT,
  type EndToEndFigures,
  type LatencyFigures,
} from './cases/end-to-end';
import { benchIngest, type IngestFigures } from './cases/ingest';
import { benchRawBullmq } from './cases/raw-bullmq';
import { benchRoundTrip, type RoundTrip, type RoundTripFigures } from './cases/round-trip';
import { benchRouting, type RoutingFigures } from './cases/routing';
import { benchScheduler, KEYS as SCHEDULER_KEYS, type SchedulerFigures } from './cases/scheduler';
import { benchRedisConfig, startBenchRedis } from './support/processes';
import { fmt } from './support/stats';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wants = (part: string) => !only || only.includes(part);

const SETTINGS = quick
  ? {
      runs: 1,
      ingestSeconds: 3,
      e2eEvents: 3_000,
      latencySeconds: 5,
      matchEvents: 50_000,
      routeEvents: 2_000,
      roundTrips: 5_000,
    }
  : {
      runs: 3,
      ingestSeconds: 8,
      e2eEvents: 20_000,
      latencySeconds: 20,
      matchEvents: 300_000,
      routeEvents: 10_000,
      roundTrips: 20_000,
    };
const runsFlag = Number(args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length));
if (Number.isInteger(runsFlag) && runsFlag > 0) SETTINGS.runs = runsFlag;
const CONNECTIONS = 50;
/**
 * Half the issue's fixed rate (what the pipeline sustains here, to see latency unqueued), then the
 * issue's rate: the lower rate first, so that it does not start behind the backlog an overload
 * leaves (jobs due later, a Redis busy rewriting its AOF). `--rates=200,400` measures others
 * (e.g. on a slower machine), in the order given.
 */
const LATENCY_RATES = latencyRates(args.find((a) => a.startsWith('--rates='))?.slice('--rates='.length));

function latencyRates(spec: string | undefined): number[] {
  if (spec === undefined) return [500, 1_000];
  const rates = spec.split(',').map(Number);
  if (rates.some((rate) => !Number.isInteger(rate) || rate <= 0)) {
    console.error(`--rates=${spec}: expected events per second, whole and positive, e.g. --rates=300,600`);
    process.exit(2);
  }
  return rates;
}

type Row = [string, string, string, string];

const roundTripText = (trip: RoundTrip) =>
  `${fmt(trip.wall)} us (CPU ${fmt(trip.senderCpu)} us sending, ${fmt(trip.answerCpu)} us answering)`;

/** One latency run's p99, marked when an AOF rewrite was under way during it. */
const runP99 = (run: LatencyFigures['runs'][number]) =>
  `${fmt(run.p99)} ms${run.duringRewrite ? ' (AOF rewrite)' : ''}`;

function rows(
  roundTrip: RoundTripFigures,
  ingest?: IngestFigures,
  e2e?: EndToEndFigures,
  routing?: RoutingFigures,
  scheduler?: SchedulerFigures,
): Row[] {
  const table: Row[] = [
    [
      'machine: a round trip to another process, one at a time (100 bytes to a Node echo server; a PING to Redis)',
      `Node ${roundTripText(roundTrip.node)}; Redis ${roundTripText(roundTrip.redis)}`,
      '',
      '',
    ],
  ];
  if (ingest) {
    table.push(
      [
        'ingest, single event: bare Express 5 (parse, 202)',
        `${fmt(ingest.bare)} req/s, ${fmt(ingest.bareCpu)} us CPU/req`,
        'baseline',
        '',
      ],
      [
        'ingest, single event: ce-relay (validated, deduped, queued before 202)',
        `${fmt(ingest.single)} req/s, ${fmt(ingest.singleCpu)} us CPU/req`,
        `${ingest.ratio.toFixed(2)} x bare (CPU ${ingest.cpuRatio.toFixed(2)} x)`,
        '>= 0.75 x bare',
      ],
      ['ingest, batches of 100: ce-relay', `${fmt(ingest.batchedEvents)} events/s`, '', '>= 20,000 events/s'],
    );
  }
  if (e2e) {
    table.push(
      [
        'raw BullMQ: addBulk + no-op worker (a run just before each end-to-end run)',
        `${fmt(e2e.baselinePerSecond ?? Number.NaN)} jobs/s`,
        'baseline',
        '',
      ],
      [
        'end to end: 3 subscriptions, one sink (API + worker process)',
        `${fmt(e2e.eventsPerSecond)} events/s = ${fmt(e2e.deliveriesPerSecond)} deliveries/s`,
        `${(e2e.deliveriesPerBaseline ?? Number.NaN).toFixed(2)} x raw BullMQ`,
        '>= 2,000 events/s',
      ],
      [
        'end to end: CPU per delivery (ingest, routing and sending included); Redis commands per event',
        `worker ${fmt(e2e.workerCpuPerDelivery)} us, Redis ${fmt(e2e.redisCpuPerDelivery)} us; ${fmt(e2e.commandsPerEvent, 1)} commands`,
        '',
        '',
      ],
      ...e2e.latency.map((l): Row => [
        `latency at ${fmt(l.rate)} events/s, ingest request to sink (${fmt(l.count)} deliveries; ${l.aofRewrites} AOF rewrite${l.aofRewrites === 1 ? '' : 's'})`,
        `p50 ${fmt(l.p50)} / p95 ${fmt(l.p95)} / p99 ${fmt(l.p99)} ms (202 after p50 ${fmt(l.ackP50)} / p99 ${fmt(l.ackP99)} ms; ` +
          `machine ${fmt(l.machineBusy * 100)} % busy; per event, CPU: API ${fmt(l.cpuPerEvent.api)}, ` +
          `worker ${fmt(l.cpuPerEvent.worker)}, Redis ${fmt(l.cpuPerEvent.redis)} us; system calls: ` +
          `${fmt(l.syscallsPerEvent.api, 1)}, ${fmt(l.syscallsPerEvent.worker, 1)}, ${fmt(l.syscallsPerEvent.redis, 1)})`,
        [
          // Behind by more than a second once the sending stopped: the pipeline did not keep up.
          l.drainMs > 1_000
            ? `fell behind: last delivery ${fmt(l.drainMs / 1000, 1)} s after the last request`
            : '',
          l.runs.length > 1 ? `each run's p99: ${l.runs.map(runP99).join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; '),
        l.rate === 1_000 ? 'p99 < 50 ms' : '',
      ]),
      ['Redis memory retained per event (record + 3 deliveries)', `${fmt(e2e.bytesPerEvent)} bytes`, '', ''],
      [
        `Redis AOF written per event (single events, ${fmt(AOF_RATE)}/s)`,
        `${fmt(e2e.aofBytesPerEvent)} bytes`,
        '',
        '',
      ],
    );
  }
  if (routing) {
    table.push(
      [
        `routing: match against ${fmt(routing.subscriptions)} subscriptions (${routing.matchedPerEvent} match)`,
        `${fmt(routing.matchMicros, 2)} us/event`,
        '',
        '< 50 us/event',
      ],
      [
        `routing: match + queue ${routing.matchedPerEvent} delivery jobs (Redis)`,
        `${fmt(routing.routeMicros, 1)} us/event`,
        '',
        '',
      ],
    );
  }
  if (scheduler) {
    const rate = (variant: keyof SchedulerFigures['eventsPerSecond']) =>
      `${fmt(scheduler.eventsPerSecond[variant])} events/s`;
    table.push(
      [
        'scheduler: end to end, default subscription settings against maxInFlight 50 (1,000 keys)',
        `${rate('default')} against ${rate('tuned')}`,
        `${scheduler.defaultOverTuned.toFixed(2)} x tuned`,
        '>= 0.8 x tuned',
      ],
      [
        `scheduler: end to end, ordered (ordering: key) over ${fmt(SCHEDULER_KEYS)} keys against unordered`,
        `${rate('ordered')} against ${rate('unordered')}`,
        `${scheduler.orderedOverUnordered.toFixed(2)} x unordered`,
        '>= 0.5 x unordered',
      ],
    );
  }
  return table;
}

function print(table: Row[]) {
  const header: Row = ['case', 'measured', 'compared', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
}

async function main() {
  const started = Date.now();
  const redis = await startBenchRedis();
  const version = await redis.client.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(version)?.[1] ?? '?';
  let roundTrip: RoundTripFigures | undefined;
  let ingest: IngestFigures | undefined;
  let e2e: EndToEndFigures | undefined;
  let routing: RoutingFigures | undefined;
  let scheduler: SchedulerFigures | undefined;
  try {
    // First, whatever parts run: what crossing processes costs this machine now, a price every
    // stage of the pipeline pays, to set this run's figures against another night's.
    console.error('bench: round trip between two processes ...');
    roundTrip = await benchRoundTrip(redis, { runs: SETTINGS.runs, trips: SETTINGS.roundTrips });
    if (wants('ingest')) {
      console.error('bench: ingest ...');
      ingest = await benchIngest(redis, {
        runs: SETTINGS.runs,
        seconds: SETTINGS.ingestSeconds,
        connections: CONNECTIONS,
      });
    }
    if (wants('e2e')) {
      console.error('bench: end to end (each run after one of raw BullMQ) and latency ...');
      e2e = await benchEndToEnd(redis, {
        runs: SETTINGS.runs,
        events: SETTINGS.e2eEvents,
        latencySeconds: SETTINGS.latencySeconds,
        latencyRates: LATENCY_RATES,
        // As many no-op jobs as the run makes deliveries.
        baseline: () => benchRawBullmq(redis, SETTINGS.e2eEvents * FANOUT),
      });
    }
    if (wants('routing')) {
      console.error('bench: routing ...');
      routing = await benchRouting(redis, {
        runs: SETTINGS.runs,
        matchEvents: SETTINGS.matchEvents,
        routeEvents: SETTINGS.routeEvents,
      });
    }
    if (wants('scheduler')) {
      console.error('bench: scheduler (default against tuned, ordered against unordered) ...');
      scheduler = await benchScheduler(redis, { runs: SETTINGS.runs, events: SETTINGS.e2eEvents });
    }
  } finally {
    await redis.stop();
  }
  console.log(
    `\nce-relay benchmark${quick ? ' (quick)' : ''}: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ` +
      `${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Redis ${redisVersion} (AOF everysec` +
      `${benchRedisConfig()
        .map(([name, value]) => `, ${name} ${value}`)
        .join('')}); ` +
      `median of ${SETTINGS.runs} run(s); ingest with autocannon, ${CONNECTIONS} connections, ${SETTINGS.ingestSeconds} s a run; ` +
      `end to end ${fmt(SETTINGS.e2eEvents)} events a run; latency ${SETTINGS.latencySeconds} s a run\n`,
  );
  print(rows(roundTrip, ingest, e2e, routing, scheduler));
  const problems: string[] = [];
  if (ingest && ingest.queued < ingest.acknowledged)
    problems.push(`ingest: ${ingest.acknowledged} events answered 202 but only ${ingest.queued} queued`);
  if (e2e && e2e.lost > 0) problems.push(`end to end: ${e2e.lost} deliveries missing or requests failed`);
  if (scheduler && scheduler.lost > 0)
    problems.push(`scheduler: ${scheduler.lost} deliveries missing or requests failed`);
  if (ingest && ingest.failed > 0) problems.push(`ingest: ${ingest.failed} requests failed`);
  console.log(
    `\n${problems.length === 0 ? 'every acknowledged event was queued and delivered' : problems.join('\n')}; ` +
      `took ${fmt((Date.now() - started) / 1000)} s`,
  );
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
