import { createParkedRecords, type ParkedRecord } from '../../../src/delivery/parked-records';

const entry = (eventKey: string, round = 0) => ({ subscriptionId: 'sub', eventKey, round });
const parked = (id: string) => ({ record: { id }, stored: { key: id } }) as unknown as ParkedRecord;

describe('createParkedRecords', () => {
  it('gives back what was parked, once, for the same round only', () => {
    const records = createParkedRecords({ maxEntries: 10, ttlMs: 1_000 });
    records.park(entry('a'), parked('a'));
    expect(records.take(entry('a', 1))).toBeUndefined();
    expect(records.take(entry('a'))).toEqual(expect.objectContaining({ record: { id: 'a' } }));
    expect(records.take(entry('a'))).toBeUndefined();
  });

  it('forgets the oldest beyond its size, and any older than its time to live', () => {
    let now = 0;
    const records = createParkedRecords({ maxEntries: 2, ttlMs: 1_000 }, () => now);
    records.park(entry('a'), parked('a'));
    records.park(entry('b'), parked('b'));
    records.park(entry('c'), parked('c'));
    expect(records.take(entry('a'))).toBeUndefined();
    now = 1_001;
    expect(records.take(entry('b'))).toBeUndefined();
    expect(records.take(entry('c'))).toBeUndefined();
  });
});
