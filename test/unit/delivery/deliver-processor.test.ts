import {
  createDeliverProcessor,
  type DeliverProcessorDeps,
  type DeliveryAttempt,
  type DeliveryRecord,
  type DeliveryStore,
  type InflightLimiter,
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
  slotFree: boolean,
  extra: Partial<DeliveryRecord> = {},
  now = new Date('2026-11-30T00:00:00.000Z'),
  buildRequest?: DeliverProcessorDeps['buildRequest'],
) {
  const recorded: { attempt: DeliveryAttempt; update: Partial<DeliveryRecord> }[] = [];
  const slots: string[] = [];
  const limiter: InflightLimiter = {
    acquire: async (_sub, id) => {
      if (!slotFree) return false;
      slots.push(`+${id}`);
      return true;
    },
    release: async (_sub, id) => {
      slots.push(`-${id}`);
    },
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
        recorded.push({ attempt, update });
      },
    } as unknown as DeliveryStore,
    limiter,
    send: async (request) => {
      sent.push(request.url);
      return { kind: 'response', status: 204, excerpt: '', durationMs: 1 };
    },
    health: { succeeded: async () => undefined, failed: async (_id, at) => at },
    disableSubscription: async () => undefined,
    autoDisableAfterMs: 1e9,
    maxRetryAfterMs: 1e6,
    busyDelayMs: { min: 10, max: 10 },
    pausedDelayMs: 10,
    now: () => now,
    ...(buildRequest ? { buildRequest } : {}),
  });
  return {
    process: () => process({ eventKey: 'a'.repeat(40), subscriptionId: 'sub', round: 0 }),
    slots,
    sent,
    recorded,
  };
}

describe('deliver processor', () => {
  it('sends a pending delivery under a slot, and gives the slot back', async () => {
    const { process, slots, sent } = processorWith('pending', true);
    expect(await process()).toEqual({ kind: 'done' });
    expect(sent).toHaveLength(1);
    expect(slots).toHaveLength(2);
    expect(slots[0]!.startsWith('+')).toBe(true);
    expect(slots[1]!.startsWith('-')).toBe(true);
  });

  it('gives back at once a slot taken for a delivery that has already ended', async () => {
    const { process, slots, sent } = processorWith('delivered', true);
    expect(await process()).toEqual({ kind: 'done' });
    expect(sent).toEqual([]);
    expect(slots.map((s) => s[0])).toEqual(['+', '-']);
  });

  it('tries again later, without sending, when the subscription is at its cap', async () => {
    const { process, sent } = processorWith('pending', false);
    expect(await process()).toMatchObject({ kind: 'later' });
    expect(sent).toEqual([]);
  });

  it('waits, without sending, for a retry that is not due yet, and sends one that is', async () => {
    const notDue = processorWith('pending', true, { nextAttemptAt: '2026-11-30T00:01:00.000Z' });
    expect(await notDue.process()).toEqual({ kind: 'later', delayMs: 60_000 });
    expect(notDue.sent).toEqual([]);
    expect(notDue.slots.map((s) => s[0])).toEqual(['+', '-']);

    // Within a second of due (worker clocks differ a little): sent now.
    const due = processorWith('pending', true, { nextAttemptAt: '2026-11-30T00:00:00.900Z' });
    expect(await due.process()).toEqual({ kind: 'done' });
    expect(due.sent).toHaveLength(1);
  });

  it('ends a delivery whose request cannot be built as failed, with a counted attempt and its reason', async () => {
    const broken = () => {
      throw new TypeError('no way to serialize this');
    };
    const { process, sent, slots, recorded } = processorWith('pending', true, {}, undefined, broken);
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
