import { scheduledDelayMs } from '../../../src/delivery';
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
