import { createCachedEventRecords, type EventRecord } from '../../../src/events';

const record = (key: string): EventRecord => ({
  key,
  tenant: 'default',
  event: { specversion: '1.0', id: key, source: '/s', type: 't' },
  receivedAt: '2026-11-30T00:00:00.000Z',
  via: 'structured',
});

describe('createCachedEventRecords', () => {
  it('reads a record once while it is fresh, and shares one read between concurrent callers', async () => {
    let now = 0;
    const reads: string[] = [];
    const cached = createCachedEventRecords(
      {
        save: async () => undefined,
        get: async (key) => {
          reads.push(key);
          return record(key);
        },
      },
      { maxEntries: 10, ttlMs: 1_000, now: () => now },
    );
    await Promise.all([cached.get('a'), cached.get('a'), cached.get('a')]);
    expect(reads).toEqual(['a']);
    now = 1_001;
    await cached.get('a');
    expect(reads).toEqual(['a', 'a']);
  });

  it('does not keep misses or failures, and holds at most maxEntries', async () => {
    const reads: string[] = [];
    let present = false;
    const cached = createCachedEventRecords(
      {
        save: async () => undefined,
        get: async (key) => {
          reads.push(key);
          if (key === 'boom') throw new Error('down');
          return present || key !== 'late' ? record(key) : undefined;
        },
      },
      { maxEntries: 2, ttlMs: 60_000 },
    );
    expect(await cached.get('late')).toBeUndefined();
    present = true;
    expect(await cached.get('late')).toEqual(record('late'));
    await expect(cached.get('boom')).rejects.toThrow('down');
    await expect(cached.get('boom')).rejects.toThrow('down');
    await cached.get('x');
    await cached.get('y');
    await cached.get('late'); // pushed out by x and y
    expect(reads.filter((k) => k === 'late')).toHaveLength(3);
    expect(reads.filter((k) => k === 'boom')).toHaveLength(2);
  });

  it('serves a record it saved without reading it, but only once the save is stored', async () => {
    const reads: string[] = [];
    const saved: string[] = [];
    let failSave = false;
    const cached = createCachedEventRecords(
      {
        save: async (r) => {
          if (failSave) throw new Error('down');
          saved.push(r.key);
        },
        get: async (key) => {
          reads.push(key);
          return undefined;
        },
      },
      { maxEntries: 10, ttlMs: 60_000 },
    );
    await cached.save(record('s'));
    expect(saved).toEqual(['s']);
    expect(await cached.get('s')).toEqual(record('s'));
    expect(reads).toEqual([]);
    failSave = true;
    await expect(cached.save(record('t'))).rejects.toThrow('down');
    expect(await cached.get('t')).toBeUndefined();
    expect(reads).toEqual(['t']);
  });
});
