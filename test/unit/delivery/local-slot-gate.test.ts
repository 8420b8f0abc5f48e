import { createLocalSlotGate, type InflightLimiter } from '../../../src/delivery';

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** An in-memory limiter that records what it was asked, in order. */
function recordingLimiter(refuse: (deliveryId: string) => boolean = () => false) {
  const asked: string[] = [];
  const limiter: InflightLimiter = {
    acquire: async (_sub, deliveryId) => {
      asked.push(`acquire ${deliveryId}`);
      if (deliveryId === 'broken') throw new Error('Redis went away');
      return !refuse(deliveryId);
    },
    release: async (_sub, deliveryId) => {
      asked.push(`release ${deliveryId}`);
      await flush(); // a round trip
      asked.push(`released ${deliveryId}`);
    },
  };
  return { limiter, asked };
}

describe('createLocalSlotGate', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('lets attempts under the cap through to the limiter, and one over it in when a slot frees', async () => {
    const { limiter, asked } = recordingLimiter();
    const gate = createLocalSlotGate(limiter, { maxWaitMs: 100, typicalMs: () => 5 });
    expect(await gate.acquire('sub', 'd1', 2, 1_000)).toBe(true);
    expect(await gate.acquire('sub', 'd2', 2, 1_000)).toBe(true);

    let third: boolean | undefined;
    void gate.acquire('sub', 'd3', 2, 1_000).then((taken) => (third = taken));
    await flush();
    expect(third).toBeUndefined(); // waits here, without asking Redis
    expect(asked).toEqual(['acquire d1', 'acquire d2']);

    await gate.release('sub', 'd1');
    await flush();
    expect(third).toBe(true);
    // Redis had the slot back before the next in line asked for one.
    expect(asked).toEqual(['acquire d1', 'acquire d2', 'release d1', 'released d1', 'acquire d3']);
  });

  it('refuses an attempt still waiting after maxWaitMs, without asking the limiter', async () => {
    const { limiter, asked } = recordingLimiter();
    const gate = createLocalSlotGate(limiter, { maxWaitMs: 100, typicalMs: () => 5 });
    await gate.acquire('sub', 'd1', 1, 1_000);
    const waiting = gate.acquire('sub', 'd2', 1, 1_000);
    jest.advanceTimersByTime(100);
    expect(await waiting).toBe(false);
    expect(asked).toEqual(['acquire d1']);

    // The one that gave up is out of the line: the freed slot goes to the next comer.
    await gate.release('sub', 'd1');
    expect(await gate.acquire('sub', 'd3', 1, 1_000)).toBe(true);
  });

  it('does not keep a slow subscription waiting: over the cap it is refused at once', async () => {
    const { limiter } = recordingLimiter();
    const gate = createLocalSlotGate(limiter, { maxWaitMs: 100, typicalMs: () => 250 });
    expect(await gate.acquire('slow', 'd1', 1, 1_000)).toBe(true);
    expect(await gate.acquire('slow', 'd2', 1, 1_000)).toBe(false);
  });

  it('gives the local slot back when the limiter refuses or fails', async () => {
    const { limiter } = recordingLimiter((id) => id === 'elsewhere');
    const gate = createLocalSlotGate(limiter, { maxWaitMs: 100, typicalMs: () => 5 });
    expect(await gate.acquire('sub', 'elsewhere', 1, 1_000)).toBe(false); // another process holds it
    await expect(gate.acquire('sub', 'broken', 1, 1_000)).rejects.toThrow('Redis went away');
    expect(await gate.acquire('sub', 'd1', 1, 1_000)).toBe(true); // the cap of 1 is free again
  });

  it('keeps each subscription to its own cap', async () => {
    const { limiter } = recordingLimiter();
    const gate = createLocalSlotGate(limiter, { maxWaitMs: 100, typicalMs: () => 5 });
    expect(await gate.acquire('a', 'd1', 1, 1_000)).toBe(true);
    expect(await gate.acquire('b', 'd2', 1, 1_000)).toBe(true);
  });
});
