import { parseRetryAfter, scheduledDelayMs } from '../../../src/delivery';
import { DEFAULT_RETRY_SCHEDULE } from '../../../src/subscriptions';

describe('scheduledDelayMs', () => {
  it('follows the schedule with at most 20 % jitter each way', () => {
    expect(scheduledDelayMs(1, [5, 300], () => 0.5)).toBe(5000);
    expect(scheduledDelayMs(2, [5, 300], () => 0)).toBe(240_000);
    expect(scheduledDelayMs(2, [5, 300], () => 1)).toBe(360_000);
  });

  it('ends when the schedule is used up', () => {
    expect(scheduledDelayMs(3, [5, 300])).toBeUndefined();
  });

  it('adds up to about 27 hours by default', () => {
    const total = DEFAULT_RETRY_SCHEDULE.reduce((sum, s) => sum + s, 0);
    expect(total / 3600).toBeCloseTo(27.6, 1);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
  });
});
