import type { Backlogs } from '../../../src/delivery';
import { createGaugeRefresher, createMetrics } from '../../../src/observability';
import type { QueueCount } from '../../../src/queues';

const value = async (
  metrics: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string> = {},
) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const found = metric?.values.find((v) =>
    Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
  );
  return found?.value;
};

describe('the gauges read from Redis', () => {
  const queues: QueueCount[] = [
    { queue: 'deliver', state: 'waiting', count: 7 },
    { queue: 'deliver', state: 'delayed', count: 3 },
  ];
  let clock = 1_000_000;
  const now = () => clock;

  it('sets queue jobs, pending deliveries, and the oldest age in all and per large backlog', async () => {
    const metrics = createMetrics();
    const backlogs: Backlogs = {
      total: 12,
      oldestMs: clock - 90_000,
      largest: [
        { subscriptionId: 'big', pending: 10, oldestMs: clock - 60_000 },
        { subscriptionId: 'small', pending: 2, oldestMs: clock - 90_000 },
      ],
    };
    const asked: number[] = [];
    const refresh = createGaugeRefresher(
      metrics,
      { queues: async () => queues, backlogs: async (top) => (asked.push(top), backlogs) },
      { top: 2, now },
    );
    await refresh();

    expect(asked).toEqual([2]);
    expect(await value(metrics, 'cerelay_queue_jobs', { queue: 'deliver', state: 'waiting' })).toBe(7);
    expect(await value(metrics, 'cerelay_deliveries_pending')).toBe(12);
    expect(await value(metrics, 'cerelay_delivery_oldest_pending_age_seconds')).toBe(90);
    expect(await value(metrics, 'cerelay_subscription_backlog', { subscription: 'big' })).toBe(10);
    expect(
      await value(metrics, 'cerelay_subscription_oldest_pending_age_seconds', { subscription: 'small' }),
    ).toBe(90);
  });

  it('reads again only after maxAgeMs, and drops subscriptions that left the largest backlogs', async () => {
    const metrics = createMetrics();
    let reads = 0;
    let largest: Backlogs['largest'] = [{ subscriptionId: 'gone-soon', pending: 4 }];
    const refresh = createGaugeRefresher(
      metrics,
      {
        queues: async () => queues,
        backlogs: async () => {
          reads++;
          return { total: 4, largest };
        },
      },
      { top: 5, maxAgeMs: 5_000, now },
    );
    await Promise.all([refresh(), refresh()]);
    await refresh();
    expect(reads).toBe(1);

    largest = [];
    clock += 5_000;
    await refresh();
    expect(reads).toBe(2);
    expect(
      await value(metrics, 'cerelay_subscription_backlog', { subscription: 'gone-soon' }),
    ).toBeUndefined();
    expect(await value(metrics, 'cerelay_delivery_oldest_pending_age_seconds')).toBe(0);
  });

  it('keeps the last values and reports the error when Redis cannot be read', async () => {
    const metrics = createMetrics();
    const errors: string[] = [];
    let fail = false;
    const refresh = createGaugeRefresher(
      metrics,
      {
        queues: async () => {
          if (fail) throw new Error('Connection is closed.');
          return queues;
        },
        backlogs: async () => ({ total: 1, largest: [] }),
      },
      { top: 1, maxAgeMs: 0, now, onError: (e) => errors.push(e.message) },
    );
    await refresh();
    fail = true;
    await refresh();
    expect(errors).toEqual(['Connection is closed.']);
    expect(await value(metrics, 'cerelay_queue_jobs', { queue: 'deliver', state: 'delayed' })).toBe(3);
  });
});

it('a process that does not know the subscriptions exports no backlog gauges', async () => {
  const metrics = createMetrics({ backlogs: false });
  const refresh = createGaugeRefresher(
    metrics,
    { queues: async () => [{ queue: 'ingest', state: 'waiting', count: 2 }], backlogs: () => undefined },
    { top: 5 },
  );
  await refresh();
  const text = await metrics.registry.metrics();
  expect(text).toContain('cerelay_queue_jobs{queue="ingest",state="waiting"} 2');
  expect(text).not.toMatch(/cerelay_deliveries_pending|cerelay_subscription_|oldest_pending/);
});
