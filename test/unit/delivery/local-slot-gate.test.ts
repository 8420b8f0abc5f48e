import { createLocalSlotGate, type Admission, type DeliveryScheduler } from '../../../src/delivery';

const flush = () => new Promise((resolve) => setImmediate(resolve));
const entry = (eventKey: string, subscriptionId = 'sub') => ({ subscriptionId, eventKey, round: 0 });
const cap = (maxInFlight: number) => ({ maxInFlight, leaseMs: 1_000 });

/** An in-memory scheduler that records what it was asked, in order. */
function recordingScheduler(answer: (eventKey: string) => Admission = () => 'start') {
  const asked: string[] = [];
  const scheduler: DeliveryScheduler = {
    admit: async ({ eventKey }) => {
      asked.push(`admit ${eventKey}`);
      if (eventKey === 'broken') throw new Error('Redis went away');
      return answer(eventKey);
    },
    release: async ({ eventKey }) => {
      asked.push(`release ${eventKey}`);
      await flush(); // a round trip
      asked.push(`released ${eventKey}`);
    },
    settle: async () => undefined,
    enter: async () => undefined,
    sweep: async () => 0,
    laneLength: async () => 1,
    lineUp: async (items) => items.map(() => false),
  };
  return { scheduler, asked };
}

describe('createLocalSlotGate', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('lets attempts under the cap through to the scheduler, and one over it in when a slot frees', async () => {
    const { scheduler, asked } = recordingScheduler();
    const gate = createLocalSlotGate(scheduler, { maxWaitMs: 100, typicalMs: () => 5 });
    expect(await gate.admit(entry('d1'), cap(2))).toBe('start');
    expect(await gate.admit(entry('d2'), cap(2))).toBe('start');

    let third: Admission | undefined;
    void gate.admit(entry('d3'), cap(2)).then((answer) => (third = answer));
    await flush();
    expect(third).toBeUndefined(); // waits here, without asking Redis
    expect(asked).toEqual(['admit d1', 'admit d2']);

    await gate.release(entry('d1'), cap(2));
    await flush();
    expect(third).toBe('start');
    // The scheduler had the slot back before the next in line asked for one.
    expect(asked).toEqual(['admit d1', 'admit d2', 'release d1', 'released d1', 'admit d3']);
  });

  it('asks the scheduler for an attempt still waiting after maxWaitMs, which lines it up', async () => {
    const { scheduler, asked } = recordingScheduler((key) => (key === 'd2' ? 'queued' : 'start'));
    const gate = createLocalSlotGate(scheduler, { maxWaitMs: 100, typicalMs: () => 5 });
    await gate.admit(entry('d1'), cap(1));
    const waiting = gate.admit(entry('d2'), cap(1));
    await flush();
    expect(asked).toEqual(['admit d1']);
    jest.advanceTimersByTime(100);
    expect(await waiting).toBe('queued');
    expect(asked).toEqual(['admit d1', 'admit d2']);

    // The one that waited out is out of the line here: the freed slot goes to the next comer.
    await gate.release(entry('d1'), cap(1));
    expect(await gate.admit(entry('d3'), cap(1))).toBe('start');
  });

  it('counts a delivery the scheduler started after it waited out here (a slot freed elsewhere)', async () => {
    const { scheduler, asked } = recordingScheduler();
    const gate = createLocalSlotGate(scheduler, { maxWaitMs: 100, typicalMs: () => 5 });
    await gate.admit(entry('d1'), cap(1));
    const waiting = gate.admit(entry('d2'), cap(1));
    jest.advanceTimersByTime(100);
    expect(await waiting).toBe('start');
    await gate.release(entry('d1'), cap(1));
    // d2 still holds a slot of this process: the next one waits for it.
    let third: Admission | undefined;
    void gate.admit(entry('d3'), cap(1)).then((answer) => (third = answer));
    await flush();
    expect(third).toBeUndefined();
    await gate.release(entry('d2'), cap(1));
    await flush();
    expect(third).toBe('start');
    expect(asked.filter((a) => a.startsWith('admit'))).toEqual(['admit d1', 'admit d2', 'admit d3']);
  });

  it('does not keep a slow or paused subscription waiting: over the cap it asks the scheduler at once', async () => {
    const { scheduler, asked } = recordingScheduler((key) => (key === 'd1' ? 'start' : 'queued'));
    const slow = createLocalSlotGate(scheduler, { maxWaitMs: 100, typicalMs: () => 250 });
    expect(await slow.admit(entry('d1'), cap(1))).toBe('start');
    expect(await slow.admit(entry('d2'), cap(1))).toBe('queued');
    const quick = createLocalSlotGate(scheduler, { maxWaitMs: 100, typicalMs: () => 5 });
    expect(await quick.admit(entry('d3'), cap(0))).toBe('queued');
    expect(asked).toEqual(['admit d1', 'admit d2', 'admit d3']);
  });

  it('gives the local slot back when the scheduler lines the delivery up or fails', async () => {
    const { scheduler } = recordingScheduler((key) => (key === 'elsewhere' ? 'in_flight' : 'start'));
    const gate = createLocalSlotGate(scheduler, { maxWaitMs: 100, typicalMs: () => 5 });
    expect(await gate.admit(entry('elsewhere'), cap(1))).toBe('in_flight');
    await expect(gate.admit(entry('broken'), cap(1))).rejects.toThrow('Redis went away');
    expect(await gate.admit(entry('d1'), cap(1))).toBe('start'); // the cap of 1 is free again
  });

  it('keeps each subscription to its own cap', async () => {
    const { scheduler } = recordingScheduler();
    const gate = createLocalSlotGate(scheduler, { maxWaitMs: 100, typicalMs: () => 5 });
    expect(await gate.admit(entry('d1', 'a'), cap(1))).toBe('start');
    expect(await gate.admit(entry('d2', 'b'), cap(1))).toBe('start');
  });
});
