/**
 * Routing benchmark: 10,000 subscriptions (types spread over 500 event types, 100 without
 * types, filters of every dialect), of which a handful match the benchmark's events.
 * Measures the matching alone (in memory), then matching plus queuing the delivery jobs in a
 * redis-server of its own. `npm run bench:routing [-- --quick]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { CloudEvent } from '../src/events';
import { createBullmqDeliveryQueue, createKeySpace } from '../src/queues';
import { createEventRouter, SubscriptionIndex } from '../src/routing';
import { freePort, startRedisServer } from '../src/runtime';
import type { Filter, Subscription } from '../src/subscriptions';
import { makeSubscription } from '../test/fixtures/make-subscription';

const quick = process.argv.includes('--quick');
const SUBSCRIPTIONS = 10_000;
const MATCH_EVENTS = quick ? 50_000 : 300_000;
const ROUTE_EVENTS = quick ? 2_000 : 10_000;
const RUNS = quick ? 3 : 5;
const CONCURRENCY = 32;

function subscription(i: number, fields: Partial<Subscription>): Subscription {
  return makeSubscription(`sub-${i}`, { sink: `https://hooks.example.com/${i}`, ...fields });
}

const noise: Filter[] = [
  { exact: { subject: 'nobody' } },
  { prefix: { source: '/contracts/other/' } },
  { suffix: { type: '.never' } },
  { sql: "subject LIKE 'X%' AND EXISTS partitionkey" },
];

function buildSubscriptions(): Subscription[] {
  const subscriptions: Subscription[] = [];
  for (let i = 0; subscriptions.length < SUBSCRIPTIONS - 105; i++) {
    subscriptions.push(
      subscription(i, { types: [`bench.type.${i % 500}`], filters: [noise[i % noise.length]!] }),
    );
  }
  for (let i = 0; i < 100; i++) {
    subscriptions.push(subscription(20_000 + i, { filters: [noise[i % noise.length]!] }));
  }
  // The handful that match: by type, by source prefix, by CESQL, an `any`, and a wildcard.
  const type = 'intent.intervention.occupant_absent';
  subscriptions.push(subscription(30_000, { types: [type] }));
  subscriptions.push(
    subscription(30_001, { types: [type], filters: [{ prefix: { source: '/contracts/contract1/' } }] }),
  );
  subscriptions.push(
    subscription(30_002, {
      types: [type],
      filters: [{ sql: "subject = 'PREV_2019' AND type LIKE 'intent.%'" }],
    }),
  );
  subscriptions.push(
    subscription(30_003, {
      filters: [{ any: [{ exact: { subject: 'PREV_2019' } }, { exact: { subject: 'x' } }] }],
    }),
  );
  subscriptions.push(subscription(30_004, {}));
  return subscriptions;
}

const events: CloudEvent[] = Array.from({ length: 1000 }, (_, i) => ({
  specversion: '1.0',
  id: `evt-${i}`,
  source: '/contracts/contract1/interventions/PREV_2019',
  type: 'intent.intervention.occupant_absent',
  subject: 'PREV_2019',
  time: '2019-08-02T10:30:00.000+02:00',
  datacontenttype: 'application/json',
  data: { status: 'hold' },
}));

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const index = new SubscriptionIndex();
  const built = process.hrtime.bigint();
  index.replaceAll(buildSubscriptions());
  const buildMs = Number(process.hrtime.bigint() - built) / 1e6;
  const matchedPerEvent = index.match('default', events[0]!).length;

  const matchRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = process.hrtime.bigint();
    let sink = 0;
    for (let i = 0; i < MATCH_EVENTS; i++) sink += index.match('default', events[i % events.length]!).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (sink !== MATCH_EVENTS * matchedPerEvent) throw new Error('matching is not deterministic');
    matchRates.push(MATCH_EVENTS / seconds);
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'ce-relay-bench-'));
  const redis = await startRedisServer({ port: await freePort(), dir });
  const routeRates: number[] = [];
  try {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const keys = createKeySpace('bench');
    const deliveries = createBullmqDeliveryQueue({ connection, prefix: keys.bullPrefix });
    const route = createEventRouter({ index, deliveries });
    for (let run = 0; run < RUNS; run++) {
      let next = 0;
      const start = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < ROUTE_EVENTS) {
            const n = next++;
            await route({
              key: (run * ROUTE_EVENTS + n).toString(16).padStart(40, '0'),
              tenant: 'default',
              event: events[n % events.length]!,
            });
          }
        }),
      );
      routeRates.push(ROUTE_EVENTS / (Number(process.hrtime.bigint() - start) / 1e9));
    }
    const queued = await deliveries.queue.getWaitingCount();
    if (queued !== RUNS * ROUTE_EVENTS * matchedPerEvent)
      throw new Error(`expected ${RUNS * ROUTE_EVENTS * matchedPerEvent} jobs, found ${queued}`);
    await deliveries.close();
    connection.disconnect();
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const match = median(matchRates);
  const routed = median(routeRates);
  console.log(
    `\nce-relay routing benchmark: ${cpus().length} cores, Node ${process.version}, median of ${RUNS} runs`,
  );
  console.log(
    `subscriptions: ${index.size} (index built in ${buildMs.toFixed(0)} ms); matching per event: ${matchedPerEvent}`,
  );
  console.log('| case | events/s | per event |');
  console.log('|---|---|---|');
  console.log(
    `| match only (in memory), ${MATCH_EVENTS} events | ${match.toFixed(0)} | ${(1e6 / match).toFixed(2)} us |`,
  );
  console.log(
    `| match + queue ${matchedPerEvent} delivery jobs (Redis, ${CONCURRENCY} concurrent), ${ROUTE_EVENTS} events | ${routed.toFixed(0)} | ${(1e6 / routed).toFixed(1)} us |`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
