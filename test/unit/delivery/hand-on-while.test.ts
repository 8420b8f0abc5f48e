import {
  handOnWhile,
  type DeliveryLimits,
  type DeliveryScheduler,
  type ReleaseOptions,
} from '../../../src/delivery';

it('hands slots on while accepting, none once draining, and keeps every other argument', async () => {
  const released: [string, DeliveryLimits, ReleaseOptions | undefined][] = [];
  const inner: DeliveryScheduler = {
    admit: async () => 'start',
    release: async (entry, limits, hold) => {
      released.push([entry.eventKey, limits, hold]);
    },
    settle: async () => undefined,
    enter: async () => undefined,
    sweep: async () => 0,
    laneLength: async () => 1,
    lineUp: async (items) => items.map(() => false),
  };
  let accepting = true;
  const scheduler = handOnWhile(inner, () => accepting);
  const limits = { maxInFlight: 5, maxPerSecond: 2, leaseMs: 1_000 };
  const entry = (eventKey: string) => ({ subscriptionId: 's', eventKey, round: 0 });

  await scheduler.release(entry('a'), limits, { hold: true });
  accepting = false;
  await scheduler.release(entry('b'), limits, { hold: true });
  await scheduler.release(entry('c'), limits);

  expect(released).toEqual([
    ['a', limits, { hold: true }],
    ['b', { ...limits, maxInFlight: 0 }, { hold: true }],
    ['c', { ...limits, maxInFlight: 0 }, undefined],
  ]);
  expect(await scheduler.admit(entry('d'), limits)).toBe('start');
});
