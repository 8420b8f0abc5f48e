import { parseRetryAfter } from '../../../src/outbound';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-02T10:00:00Z');
  it.each([
    ['120', 120_000],
    [' 5 ', 5_000],
    ['0', 0],
    ['Wed, 02 Dec 2026 10:00:30 GMT', 30_000],
    ['Wed, 02 Dec 2026 09:59:00 GMT', 0],
    [undefined, undefined],
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
    ['2026-12-02T10:00:30Z', undefined],
  ])('reads %p as %p ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
