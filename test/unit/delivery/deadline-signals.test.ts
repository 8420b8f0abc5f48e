import { createDeadlineSignals } from '../../../src/delivery/deadline-signals';

describe('createDeadlineSignals', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('shares one signal among deadlines of the same slice and aborts it at the slice end', () => {
    const deadline = createDeadlineSignals(100);
    const a = deadline(1_000); // due at 1,001,000: the slice ends then
    jest.advanceTimersByTime(50);
    const b = deadline(950); // due at 1,001,000 too
    const c = deadline(1_000); // due at 1,001,050: the next slice, ending at 1,001,100
    expect(b).toBe(a);
    expect(c).not.toBe(a);

    jest.advanceTimersByTime(949); // 1,000,999
    expect(a.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(a.aborted).toBe(true);
    expect((a.reason as DOMException).name).toBe('TimeoutError');
    expect(c.aborted).toBe(false);
    jest.advanceTimersByTime(100);
    expect(c.aborted).toBe(true);
  });

  it('never ends an attempt early: a deadline is rounded up to its slice end', () => {
    const deadline = createDeadlineSignals(100);
    jest.advanceTimersByTime(1); // now 1,000,001
    const signal = deadline(200); // due at 1,000,201, slice ends at 1,000,300
    jest.advanceTimersByTime(200);
    expect(signal.aborted).toBe(false);
    jest.advanceTimersByTime(99);
    expect(signal.aborted).toBe(true);
  });

  it('gives a fresh signal once a slice has ended', () => {
    const deadline = createDeadlineSignals(100);
    const first = deadline(100);
    jest.advanceTimersByTime(100);
    expect(first.aborted).toBe(true);
    const next = deadline(0);
    expect(next).not.toBe(first);
    expect(next.aborted).toBe(false);
  });
});
