import { shareOfLimits, withSharedLimits, type DeliveryScheduler } from '../../../src/delivery';

describe('shareOfLimits', () => {
  it.each([
    [{ maxInFlight: 50, leaseMs: 9 }, 1, { maxInFlight: 50, leaseMs: 9 }],
    [{ maxInFlight: 50, leaseMs: 9 }, 16, { maxInFlight: 4, leaseMs: 9 }],
    [{ maxInFlight: 48, leaseMs: 9 }, 16, { maxInFlight: 3, leaseMs: 9 }],
    [{ maxInFlight: 1, leaseMs: 9 }, 16, { maxInFlight: 1, leaseMs: 9 }],
    [{ maxInFlight: 0, leaseMs: 9 }, 16, { maxInFlight: 0, leaseMs: 9 }],
    [{ maxInFlight: 10, maxPerSecond: 100, leaseMs: 9 }, 3, { maxInFlight: 4, maxPerSecond: 34, leaseMs: 9 }],
  ])('shares %j among %i shards as %j', (limits, shards, share) => {
    expect(shareOfLimits(limits, shards)).toEqual(share);
  });
});

describe('withSharedLimits', () => {
  it('hands the scheduler each shard its share, in every call that carries limits', async () => {
    const seen: number[] = [];
    const note = (limits: { maxInFlight: number }) => seen.push(limits.maxInFlight);
    const inner: DeliveryScheduler = {
      admit: async (_entry, limits) => (note(limits), 'start'),
      release: async (_entry, limits) => void note(limits),
      lineUp: async (entries) => entries.map(({ limits }) => (note(limits), false)),
      enter: async (event) => void event.subscriptions.forEach(({ limits }) => note(limits)),
      sweep: async (limitsOf) => (note(limitsOf('s')!), 0),
      laneLength: async () => 0,
      settle: async () => undefined,
    };
    const limits = { maxInFlight: 8, leaseMs: 1 };
    const entry = { subscriptionId: 's', eventKey: 'e', round: 0 };
    const scheduler = withSharedLimits(inner, 4);
    await scheduler.admit(entry, limits);
    await scheduler.release(entry, limits);
    await scheduler.lineUp([{ entry, limits }]);
    await scheduler.enter({
      identityKey: 'i',
      eventKey: 'e',
      orderingKey: 'o',
      subscriptions: [{ subscriptionId: 's', matched: true, limits }],
    });
    await scheduler.sweep(() => limits);
    expect(seen).toEqual([2, 2, 2, 2, 2]);
    expect(withSharedLimits(inner, 1)).toBe(inner);
  });
});
