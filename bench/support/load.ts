import autocannon from 'autocannon';
import { Pool } from 'undici';

/**
 * An AO-shaped event; `sentAt` lets the sink measure latency end to end; `partitionkey` spreads
 * events over ordering keys.
 */
export function benchEvent(id: string, sentAt?: number, partitionkey?: string) {
  return {
    specversion: '1.0',
    id,
    type: 'ao.order.statuschanged',
    source: '/tenants/1/orders/fc9036ec-eb4a-496c-8c77-e972e3e800aa',
    ...(partitionkey === undefined ? {} : { partitionkey }),
    time: '2020-11-06T14:36:00.000+02:00',
    datacontenttype: 'application/json',
    data: {
      resourceReference: '/tenants/1/orders/fc9036ec-eb4a-496c-8c77-e972e3e800aa',
      ...(sentAt === undefined ? {} : { sentAt }),
    },
  };
}

export interface LoadOptions {
  readonly port: number;
  readonly batchSize: number;
  /** Unique per load, so that no event is a repeat of another run's. */
  readonly label: string;
  readonly connections: number;
  /** Seconds, or a number of requests with `amount`. */
  readonly duration?: number;
  readonly amount?: number;
  /** Requests per second over all connections (fixed rate). */
  readonly overallRate?: number;
  readonly stampSentAt?: boolean;
  /** Spread the events over this many ordering keys (`partitionkey`), one after the other. */
  readonly keys?: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
  /** Events answered 2xx. */
  readonly accepted: number;
  readonly seconds: number;
}

/** POSTs CloudEvents (structured, or batches) to /events with autocannon. */
export async function postEvents(options: LoadOptions): Promise<LoadResult> {
  let counter = 0;
  const started = Date.now();
  const batch = options.batchSize > 1;
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
    ...(options.overallRate !== undefined ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path: '/events',
        headers: {
          'content-type': batch ? 'application/cloudevents-batch+json' : 'application/cloudevents+json',
        },
        setupRequest: (request) => {
          const sentAt = options.stampSentAt ? Date.now() : undefined;
          const next = () => {
            const n = counter++;
            const key = options.keys === undefined ? undefined : `key-${n % options.keys}`;
            return benchEvent(`${options.label}-${n}`, sentAt, key);
          };
          const body = batch ? Array.from({ length: options.batchSize }, next) : next();
          return { ...request, body: JSON.stringify(body) };
        },
      },
    ],
  });
  const seconds = (Date.now() - started) / 1000;
  return {
    requestsPerSecond: options.amount !== undefined ? result['2xx'] / seconds : result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    accepted: result['2xx'] * options.batchSize,
    seconds,
  };
}

/**
 * Single structured POSTs at a fixed rate, spread evenly over time (autocannon's `overallRate`
 * sends each second's requests in a burst), over a pool of keep-alive connections. Each event
 * carries `sentAt`, stamped just before its request leaves.
 */
export async function postAtFixedRate(options: {
  readonly port: number;
  readonly rate: number;
  readonly seconds: number;
  readonly label: string;
  readonly connections: number;
}): Promise<{ readonly accepted: number; readonly failed: number; readonly ackMs: number[] }> {
  const pool = new Pool(`http://127.0.0.1:${options.port}`, { connections: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const ackMs: number[] = [];
  const started = performance.now();
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const send = (n: number) => {
    const at = Date.now();
    return pool
      .request({
        method: 'POST',
        path: '/events',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify(benchEvent(`${options.label}-${n}`, at)),
      })
      .then(async (res) => {
        await res.body.dump();
        ackMs.push(Date.now() - at);
        if (res.statusCode === 202) accepted++;
        else failed++;
      })
      .catch(() => {
        failed++;
      });
  };
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * options.rate));
    while (sent < due) inFlight.push(send(sent++));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  await pool.close();
  return { accepted, failed, ackMs };
}
