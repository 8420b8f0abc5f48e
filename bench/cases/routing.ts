import { Redis } from 'ioredis';
import type { CloudEvent } from '../../src/events';
import { createBullmqDeliveryQueue, createKeySpace } from '../../src/queues';
import { createEventRouter, SubscriptionIndex } from '../../src/routing';
import type { Filter, Subscription } from '../../src/subscriptions';
import { makeSubscription } from '../../test/fixtures/make-subscription';
import type { BenchRedis } from '../support/processes';
import { median, repeat } from '../support/stats';

const SUBSCRIPTIONS = 10_000;
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

export interface RoutingFigures {
  readonly subscriptions: number;
  readonly matchedPerEvent: number;
  /** Matching alone, in memory. */
  readonly matchMicros: number;
  /** Matching plus queuing the delivery jobs in Redis, 32 events at once. */
  readonly routeMicros: number;
}

/**
 * 10,000 subscriptions (types spread over 500 event types, 100 without types, filters of every
 * dialect), of which five match the benchmark's events: matching alone, then matching plus
 * queuing the delivery jobs.
 */
export async function benchRouting(
  redis: BenchRedis,
  options: { runs: number; matchEvents: number; routeEvents: number },
): Promise<RoutingFigures> {
  const index = new SubscriptionIndex();
  index.replaceAll(buildSubscriptions());
  const matchedPerEvent = index.match('default', events[0]!).length;

  const matchRates = await repeat(options.runs, () => {
    const start = process.hrtime.bigint();
    let found = 0;
    for (let i = 0; i < options.matchEvents; i++)
      found += index.match('default', events[i % events.length]!).length;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (found !== options.matchEvents * matchedPerEvent) throw new Error('matching is not deterministic');
    return options.matchEvents / seconds;
  });

  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const keys = createKeySpace('bench-routing');
  const deliveries = createBullmqDeliveryQueue({ connection, prefix: keys.bullPrefix });
  const route = createEventRouter({ index, deliveries });
  const receivedAt = new Date().toISOString();
  const routeRates = await repeat(options.runs, async (run) => {
    let next = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < options.routeEvents) {
          const n = next++;
          await route({
            key: (run * options.routeEvents + n).toString(16).padStart(40, '0'),
            tenant: 'default',
            event: events[n % events.length]!,
            receivedAt,
          });
        }
      }),
    );
    return options.routeEvents / (Number(process.hrtime.bigint() - start) / 1e9);
  });
  const queued = await deliveries.queue.getWaitingCount();
  if (queued !== options.runs * options.routeEvents * matchedPerEvent)
    throw new Error(`expected ${options.runs * options.routeEvents * matchedPerEvent} jobs, found ${queued}`);
  await deliveries.queue.obliterate({ force: true });
  await deliveries.close();
  connection.disconnect();
  return {
    subscriptions: index.size,
    matchedPerEvent,
    matchMicros: 1e6 / median(matchRates),
    routeMicros: 1e6 / median(routeRates),
  };
}
