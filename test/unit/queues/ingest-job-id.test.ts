import { randomBytes } from 'node:crypto';
import { newIngestJobId } from '../../../src/queues';

describe('newIngestJobId', () => {
  it('is 16 characters of base64url, a new one each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newIngestJobId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it('is never digits alone (BullMQ refuses those as custom ids)', () => {
    const digits = Buffer.from('1234567890123456', 'base64url');
    const other = randomBytes(12);
    const sources = [digits, other];
    expect(newIngestJobId(() => sources.shift()!)).toBe(other.toString('base64url'));
  });
});
