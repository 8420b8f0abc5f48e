import {
  createDeliverProcessor,
  type DeliverProcessorDeps,
  type DeliveryAttempt,
  type DeliveryRecord,
  type DeliveryStore,
  type Admission,
  type DeliveryScheduler,
} from '../../../src/delivery';
import { makeSubscription } from '../../fixtures/make-subscription';

const record = (status: DeliveryRecord['status']): DeliveryRecord => ({
  id: 'd1',
  tenant: 'default',
  eventKey: 'a'.repeat(40),
  eventId: 'e1',
  eventSource: '/s',
  eventType: 't',
  eventTime: '2026-11-30T00:00:00.000Z',
  subscriptionId: 'sub',
  status,
  round: 0,
  attemptCount: 1,
  roundAttempts: 1,
  createdAt: '2026-11-30T00:00:00.000Z',
  updatedAt: '2026-11-30T00:00:00.000Z',
});

function processorWith(
  status: DeliveryRecord['status'],
  admission: Admission,
  extra: Partial<DeliveryRecord> = {},
  now = new Date('2026-11-30T00:00:00.000Z'),
  buildRequest?: DeliverProcessorDeps['buildRequest'],
  sink: { status: number; fail?: boolean } = { status: 204 },
) {
  const recorded: { attempt: DeliveryAttempt; update: Partial<DeliveryRecord> }[] = [];
  const slots: string[] = [];
  const scheduler: DeliveryScheduler = {
    admit: async ({ eventKey }, _limits, handed) => {
      slots.push(`+${eventKey.slice(0, 1)} ${admission}${handed ? ' (handed)' : ''}`);
      return admission;
    },
    release: async ({ eventKey }, _limits, options) => {
      slots.push(`-${eventKey.slice(0, 1)}${options?.hold ? ' (hold)' : ''}`);
    },
    enter: async () => undefined,
    settle: async ({ eventKey }) => {
      slots.push(`settle ${eventKey.slice(0, 1)}`);
    },
    sweep: async () => 0,
    laneLength: async () => 1,
    lineUp: async (items) => items.map(() => false),
  };
  const sent: string[] = [];
  const process = createDeliverProcessor({
    subscription: () => makeSubscription('sub'),
    events: {
      get: async (key) => ({
        key,
        tenant: 'default',
        event: { specversion: '1.0', id: 'e1', source: '/s', type: 't' },
        receivedAt: '2026-11-30T00:00:00.000Z',
        via: 'structured',
      }),
    },
    deliveries: {
      ensure: async () => ({ ...record(status), ...extra }),
      recordAttempt: async (_id: string, attempt: DeliveryAttempt, update: Partial<DeliveryRecord>) => {
        if (sink.fail) throw new Error('Redis went away');
        recorded.push({ attempt, update });
      },
    } as unknown as DeliveryStore,
    scheduler,
    send: async (request) => {
      sent.push(request.url);
      return { kind: 'response', status: sink.status, excerpt: '', durationMs: 1 };
    },
    health: { succeeded: async () => undefined, failed: async (_id, at) => at },
    disableSubscription: async () => undefined,
    autoDisableAfterMs: 1e9,
    maxRetryAfterMs: 1e6,
    busyDelayMs: { min: 10, max: 10 },
    retry: async (_job, delayMs) => {
      slots.push(`retry job in ${delayMs} ms`);
    },
    random: () => 0.5,
    now: () => now,
    ...(buildRequest ? { buildRequest } : {}),
  });
  return {
    process: () => process({ eventKey: 'a'.repeat(40), subscriptionId: 'sub', round: 0 }),
    processHanded: () => process({ eventKey: 'a'.repeat(40), subscriptionId: 'sub', round: 0, handed: true }),
    slots,
    sent,
    recorded,
  };
}

describe('deliver processor', () => {
  it('sends a pending delivery under a slot, and gives the slot back', async () => {
    const { process, slots, sent } = processorWith('pending', 'start');
    expect(await process()).toEqual({ kind: 'done' });
    expect(sent).toHaveLength(1);
    expect(slots).toHaveLength(2);
    expect(slots[0]!.startsWith('+')).toBe(true);
    expect(slots[1]!.startsWith('-')).toBe(true);
  });

  it('gives back at once a slot taken for a delivery that has already ended', async () => {
    const { process, slots, sent } = processorWith('delivered', 'start');
    expect(await process()).toEqual({ kind: 'done' });
    expect(sent).toEqual([]);
    expect(slots.map((s) => s[0])).toEqual(['+', '-']);
  });

  it("is done, without sending, when the delivery waits in its subscription's line", async () => {
    const { process, sent, slots } = processorWith('pending', 'queued');
    expect(await process()).toEqual({ kind: 'done' });
    expect(sent).toEqual([]);
    expect(slots).toEqual(['+a queued']); // its place in line stays
  });

  it('looks again later, without sending or giving anything back, at a delivery in flight elsewhere', async () => {
    const { process, sent, slots } = processorWith('pending', 'in_flight');
    expect(await process()).toMatchObject({ kind: 'later' });
    expect(sent).toEqual([]);
    expect(slots).toEqual(['+a in_flight']);
  });

  describe('a delivery handed a slot from its line (no job of its own)', () => {
    it('is attempted under that slot, handed on once the answer is in, with a hold until it is recorded', async () => {
      const { processHanded, slots, sent, recorded } = processorWith('pending', 'start');
      expect(await processHanded()).toEqual({ kind: 'done' });
      expect(sent).toHaveLength(1);
      expect(recorded).toHaveLength(1);
      expect(slots).toEqual(['+a start (handed)', '-a (hold)', 'settle a']);
    });

    it('keeps its hold until its retry has a job', async () => {
      const { processHanded, slots } = processorWith('pending', 'start', {}, undefined, undefined, {
        status: 503,
      });
      expect(await processHanded()).toEqual({ kind: 'done' });
      expect(slots).toEqual(['+a start (handed)', 'retry job in 300000 ms', '-a (hold)', 'settle a']);
    });

    it('keeps its hold when its outcome could not be recorded: the hold lapses back into the line', async () => {
      const { processHanded, slots } = processorWith('pending', 'start', {}, undefined, undefined, {
        status: 204,
        fail: true,
      });
      await expect(processHanded()).rejects.toThrow('Redis went away');
      expect(slots).toEqual(['+a start (handed)', '-a (hold)']);
    });

    it('starts without reading its records again when this process put it in line', async () => {
      const { process, processHanded, slots, sent } = processorWith('pending', 'queued');
      expect(await process()).toEqual({ kind: 'done' }); // in line
      expect(await processHanded()).toEqual({ kind: 'done' });
      expect(sent).toHaveLength(1);
      // No second admission: the slot was handed with the records read when it took its place.
      expect(slots).toEqual(['+a queued', '-a (hold)', 'settle a']);
    });

    it('is done when it went back to the line (paused meanwhile) or is attempted elsewhere', async () => {
      for (const admission of ['queued', 'in_flight'] as const) {
        const { processHanded, slots, sent } = processorWith('pending', admission);
        expect(await processHanded()).toEqual({ kind: 'done' });
        expect(sent).toEqual([]);
        expect(slots).toEqual([`+a ${admission} (handed)`]);
      }
    });

    it('gets a job for a retry not due yet before its slot is given back', async () => {
      const notDue = processorWith('pending', 'start', { nextAttemptAt: '2026-11-30T00:01:00.000Z' });
      expect(await notDue.processHanded()).toEqual({ kind: 'done' });
      expect(notDue.slots).toEqual(['+a start (handed)', 'retry job in 60000 ms', '-a']);
    });
  });

  it('takes out of the line a delivery that has ended meanwhile', async () => {
    const { process, sent, slots } = processorWith('failed', 'queued');
    expect(await process()).toEqual({ kind: 'done' });
    expect(sent).toEqual([]);
    expect(slots).toEqual(['+a queued', '-a']);
  });

  it('waits, without sending, for a retry that is not due yet, and sends one that is', async () => {
    const notDue = processorWith('pending', 'start', { nextAttemptAt: '2026-11-30T00:01:00.000Z' });
    expect(await notDue.process()).toEqual({ kind: 'later', delayMs: 60_000 });
    expect(notDue.sent).toEqual([]);
    expect(notDue.slots.map((s) => s[0])).toEqual(['+', '-']);

    // Within a second of due (worker clocks differ a little): sent now.
    const due = processorWith('pending', 'start', { nextAttemptAt: '2026-11-30T00:00:00.900Z' });
    expect(await due.process()).toEqual({ kind: 'done' });
    expect(due.sent).toHaveLength(1);
  });

  it('ends a delivery whose request cannot be built as failed, with a counted attempt and its reason', async () => {
    const broken = () => {
      throw new TypeError('no way to serialize this');
    };
    const { process, sent, slots, recorded } = processorWith('pending', 'start', {}, undefined, broken);
    expect(await process()).toEqual({ kind: 'done' });
    expect(sent).toEqual([]);
    expect(slots.map((s) => s[0])).toEqual(['+', '-']);
    expect(recorded).toEqual([
      {
        attempt: expect.objectContaining({
          outcome: 'failed',
          errorClass: 'request',
          error: 'the request could not be built: no way to serialize this',
        }),
        update: expect.objectContaining({ status: 'failed', attemptCount: 2, roundAttempts: 2 }),
      },
    ]);
  });
});

describe('an ordered delivery whose event record expired', () => {
  it('fails without a request and lets its key go on, by the ordering key in its record', async () => {
    const released: unknown[] = [];
    const sent: string[] = [];
    const expired = { ...record('pending'), roundAttempts: 0, attemptCount: 0, orderingKey: 'key-1' };
    const process = createDeliverProcessor({
      subscription: () =>
        makeSubscription('sub', { delivery: { ...makeSubscription('sub').delivery, ordering: 'key' } }),
      events: { get: async () => undefined },
      deliveries: {
        get: async () => expired,
        recordAttempt: async () => undefined,
      } as unknown as DeliveryStore,
      scheduler: {
        admit: async () => 'start',
        release: async (_entry, _limits, options) => void released.push(options),
        enter: async () => undefined,
        settle: async () => undefined,
        sweep: async () => 0,
        laneLength: async () => 1,
        lineUp: async (items) => items.map(() => false),
      },
      send: async (request) => {
        sent.push(request.url);
        return { kind: 'response', status: 204, excerpt: '', durationMs: 1 };
      },
      health: { succeeded: async () => undefined, failed: async (_id, at) => at },
      disableSubscription: async () => undefined,
      autoDisableAfterMs: 1e9,
      maxRetryAfterMs: 1e6,
      busyDelayMs: { min: 10, max: 10 },
      retry: async () => undefined,
    });
    expect(
      await process({ eventKey: 'a'.repeat(40), subscriptionId: 'sub', round: 0, handed: true }),
    ).toEqual({
      kind: 'done',
    });
    expect(sent).toEqual([]);
    expect(released).toEqual([{ hold: false, advance: { lane: 'key-1' } }]);
  });
});
