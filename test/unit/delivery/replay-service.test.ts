import { createReplayService, type DeliveryRecord, type DeliveryStore } from '../../../src/delivery';

const record = (id: string, eventTime: string): DeliveryRecord => ({
  id,
  tenant: 'acme',
  eventKey: `${id.padEnd(20, 'k')}`.slice(0, 20),
  eventId: id,
  eventSource: '/s',
  eventType: 't',
  eventTime,
  subscriptionId: 'sub',
  status: 'failed',
  round: 0,
  attemptCount: 1,
  roundAttempts: 1,
  createdAt: '2026-11-22T09:00:00Z',
  updatedAt: '2026-11-22T09:00:00Z',
});

describe('bulk replay', () => {
  it('queues the matching deliveries in event-time order, whatever the offsets, spaced', async () => {
    const records = [
      record('d', '2026-11-22T10:04:00+02:00'),
      record('a', '2026-11-22T08:01:00Z'),
      record('c', '2026-11-22T08:03:00.5Z'),
      record('b', '2026-11-22T09:02:00+01:00'),
    ];
    const queued: { jobs: { eventKey: string }[]; options: unknown }[] = [];
    const replay = createReplayService({
      deliveries: {
        list: async () => ({ items: records }),
        beginReplay: async () => 1,
      } as unknown as DeliveryStore,
      queue: {
        enqueue: async (jobs, options) => {
          queued.push({ jobs: [...jobs], options });
        },
      },
      bulkSpacingMs: 20,
    });
    expect(await replay.replayBulk('sub', { tenant: 'acme', status: 'failed' })).toEqual({
      queued: 4,
      matched: 4,
    });
    expect(queued).toHaveLength(1);
    expect(queued[0]!.jobs.map((j) => j.eventKey[0])).toEqual(['a', 'b', 'c', 'd']);
    expect(queued[0]!.options).toMatchObject({ spacingMs: 20 });
  });
});
