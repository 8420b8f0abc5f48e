import type { LineEntry, NewDelivery } from '../../../src/delivery';
import type { CloudEvent } from '../../../src/events';
import type { DeliveryJob } from '../../../src/queues';
import { createEventRouter, SubscriptionIndex } from '../../../src/routing';
import { DEFAULT_DELIVERY } from '../../../src/subscriptions';
import { makeSubscription } from '../../fixtures/make-subscription';

const event = { specversion: '1.0', id: 'e-1', source: '/orders/1', type: 'order.changed' } as CloudEvent;

/** A router over these subscriptions; `busy` ones have deliveries waiting in their line. */
function routerWith(busy: readonly string[]) {
  const index = new SubscriptionIndex();
  index.replaceAll([
    makeSubscription('quiet'),
    makeSubscription('busy'),
    makeSubscription('paused', { status: 'paused' }),
    makeSubscription('ordered', { delivery: { ...DEFAULT_DELIVERY, ordering: 'key' } }),
  ]);
  const jobs: DeliveryJob[] = [];
  const recorded: NewDelivery[] = [];
  const lined: LineEntry[] = [];
  const entered: string[] = [];
  const route = createEventRouter({
    index,
    deliveries: {
      enqueue: async (added) => void jobs.push(...added),
      schedule: async () => undefined,
    },
    scheduler: {
      enter: async (e) =>
        void entered.push(...e.subscriptions.filter((s) => s.matched).map((s) => s.subscriptionId)),
      // As the script decides: in line when others wait there, or when none may start.
      lineUp: async (items) =>
        items.map(({ entry, limits }) => {
          const inLine = busy.includes(entry.subscriptionId) || limits.maxInFlight === 0;
          if (inLine) lined.push(entry);
          return inLine;
        }),
    },
    records: {
      ensure: async (delivery) => {
        recorded.push(delivery);
        return { ...delivery, status: 'pending', round: 0, attemptCount: 0, roundAttempts: 0, updatedAt: '' };
      },
    },
    now: () => new Date('2026-12-02T10:00:00.000Z'),
  });
  return { route, jobs, recorded, lined, entered };
}

it('gives a job only to deliveries that may start; the others wait in line or lane, recorded', async () => {
  const { route, jobs, recorded, lined, entered } = routerWith(['busy']);
  const matched = await route({
    key: 'k1',
    tenant: 'default',
    event,
    receivedAt: '2026-12-02T09:59:59.000Z',
  });
  expect(matched.sort()).toEqual(['busy', 'ordered', 'paused', 'quiet']);
  expect(jobs.map((j) => j.subscriptionId)).toEqual(['quiet']);
  expect(lined.map((e) => e.subscriptionId).sort()).toEqual(['busy', 'paused']);
  expect(lined.every((e) => e.eventKey === 'k1' && e.round === 0)).toBe(true);
  expect(entered).toEqual(['ordered']);
  expect(recorded.map((r) => [r.subscriptionId, r.status]).sort()).toEqual([
    ['busy', 'pending'],
    ['ordered', 'pending'],
    ['paused', 'held'],
  ]);
  const byId = new Map(recorded.map((r) => [r.subscriptionId, r]));
  expect(byId.get('ordered')!.orderingKey).toEqual(expect.any(String));
  expect(byId.get('busy')!.orderingKey).toBeUndefined();
  expect(recorded[0]).toMatchObject({
    eventKey: 'k1',
    eventId: 'e-1',
    eventSource: '/orders/1',
    eventTime: '2026-12-02T09:59:59.000Z',
    createdAt: '2026-12-02T10:00:00.000Z',
  });
});

it('gives every unordered delivery a job when no line has others waiting', async () => {
  const { route, jobs, recorded } = routerWith([]);
  await route({ key: 'k2', tenant: 'default', event, receivedAt: '2026-12-02T09:59:59.000Z' });
  expect(jobs.map((j) => j.subscriptionId)).toEqual(['quiet', 'busy']);
  expect(recorded.map((r) => r.subscriptionId).sort()).toEqual(['ordered', 'paused']);
});
