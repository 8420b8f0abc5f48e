import {
  blockedKeysAcrossShards,
  deliveriesAcrossShards,
  listPosition,
  mergeBacklogs,
  replayAcrossShards,
  type BlockedKeys,
  type DeliveryRecord,
  type DeliveryStore,
  type ReplayService,
} from '../../../src/delivery';

const record = (id: string, createdMs: number, shard: number): DeliveryRecord => ({
  id,
  tenant: 't',
  eventKey: `e-${id}`,
  eventId: id,
  eventSource: `urn:shard:${shard}`,
  eventType: 'x',
  eventTime: new Date(createdMs).toISOString(),
  subscriptionId: 's',
  status: 'failed',
  round: 0,
  attemptCount: 1,
  roundAttempts: 1,
  createdAt: new Date(createdMs).toISOString(),
  updatedAt: new Date(createdMs).toISOString(),
});

/** One shard's records, listed as the Redis store lists them: by position, after the cursor. */
function shardStore(records: DeliveryRecord[]): DeliveryStore {
  const sorted = [...records].sort((a, b) => (listPosition(a) < listPosition(b) ? -1 : 1));
  return {
    get: async (id) => records.find((r) => r.id === id),
    attempts: async (id) =>
      records.some((r) => r.id === id) ? [{ round: 0, at: id, durationMs: 1, outcome: 'failed' }] : [],
    list: async ({ cursor, limit }) => {
      const after = sorted.filter((r) => cursor === undefined || listPosition(r) > cursor);
      const items = after.slice(0, limit);
      return after.length > limit ? { items, nextCursor: listPosition(items[items.length - 1]!) } : { items };
    },
    forEvent: async (eventKey) => records.filter((r) => r.eventKey === eventKey),
    backlogs: async () => ({ total: 0, largest: [] }),
    ensure: async () => {
      throw new Error('not here');
    },
    recordAttempt: async () => undefined,
    beginReplay: async () => undefined,
  };
}

describe('deliveriesAcrossShards', () => {
  // 3 shards, 50 records with interleaved creation times, some at the same millisecond.
  const all = Array.from({ length: 50 }, (_, i) =>
    record(`d${String(i).padStart(2, '0')}`, 1_000 + Math.floor(i / 2), i % 3),
  );
  const stores = [0, 1, 2].map((shard) => shardStore(all.filter((_, i) => i % 3 === shard)));
  const deliveries = deliveriesAcrossShards(stores);

  it.each([1, 7, 50, 100])('pages through every shard in index order, %i at a time', async (limit) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await deliveries.list({ tenant: 't', limit, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      [...all].sort((a, b) => (listPosition(a) < listPosition(b) ? -1 : 1)).map((r) => r.id),
    );
  });

  it('finds a delivery, its attempts and an event’s deliveries in whichever shard holds them', async () => {
    expect((await deliveries.get('d31'))?.eventSource).toBe('urn:shard:1');
    expect(await deliveries.get('nope')).toBeUndefined();
    expect(await deliveries.attempts('d32')).toHaveLength(1);
    expect(await deliveries.attempts('nope')).toEqual([]);
    expect((await deliveries.forEvent('e-d05')).map((r) => r.id)).toEqual(['d05']);
  });

  it('is the store itself with one shard', () => {
    expect(deliveriesAcrossShards([stores[0]!])).toBe(stores[0]);
  });
});

describe('mergeBacklogs', () => {
  it('sums each subscription over the shards and keeps the oldest', () => {
    expect(
      mergeBacklogs(
        [
          {
            total: 5,
            oldestMs: 30,
            largest: [
              { subscriptionId: 'a', pending: 4, oldestMs: 30 },
              { subscriptionId: 'b', pending: 1, oldestMs: 40 },
            ],
          },
          { total: 0, largest: [] },
          { total: 3, oldestMs: 10, largest: [{ subscriptionId: 'b', pending: 3, oldestMs: 10 }] },
        ],
        1,
      ),
    ).toEqual({ total: 8, oldestMs: 10, largest: [{ subscriptionId: 'a', pending: 4, oldestMs: 30 }] });
  });
});

describe('replayAcrossShards and blockedKeysAcrossShards', () => {
  it("replays one delivery in its shard, a bulk replay in every shard, and finds a key's block", async () => {
    const calls: string[] = [];
    const shards = [0, 1].map((shard) => ({
      deliveries: shardStore(shard === 1 ? [record('d1', 1, 1)] : []),
      replay: {
        replayOne: async (_tenant: string, id: string) => (
          calls.push(`${shard}:one:${id}`),
          { id, round: 1 }
        ),
        replayBulk: async () => (calls.push(`${shard}:bulk`), { queued: shard + 1, matched: 2 }),
      } satisfies ReplayService,
    }));
    const replay = replayAcrossShards(shards);
    expect(await replay.replayOne('t', 'd1')).toEqual({ id: 'd1', round: 1 });
    await expect(replay.replayOne('t', 'gone')).rejects.toMatchObject({ status: 404 });
    expect(await replay.replayBulk('s', { tenant: 't', status: 'failed' })).toEqual({
      queued: 3,
      matched: 4,
    });
    expect(calls).toEqual(['1:one:d1', '0:bulk', '1:bulk']);

    const blocked = (keys: string[]): BlockedKeys => ({
      list: async () => keys.map((eventKey) => ({ eventKey, orderingKey: `o-${eventKey}` })),
      skip: async (_s, eventKey) => keys.includes(eventKey),
    });
    const across = blockedKeysAcrossShards([blocked(['a']), blocked(['b', 'c'])]);
    expect((await across.list('s')).map((k) => k.eventKey)).toEqual(['a', 'b', 'c']);
    expect(await across.skip('s', 'c')).toBe(true);
    expect(await across.skip('s', 'z')).toBe(false);
  });
});
