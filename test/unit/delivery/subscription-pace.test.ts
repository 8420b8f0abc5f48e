import { createSubscriptionPace } from '../../../src/delivery';

describe('subscription pace', () => {
  it('averages durations, and is quick only while fast and delivering', () => {
    const pace = createSubscriptionPace();
    expect(pace.typicalMs('s')).toBeUndefined();
    expect(pace.isQuick('s', 100)).toBe(true);
    pace.note('s', 50, true);
    expect(pace.typicalMs('s')).toBe(50);
    pace.note('s', 100, true);
    expect(pace.typicalMs('s')).toBeCloseTo(60);
    expect(pace.isQuick('s', 100)).toBe(true);
    expect(pace.isQuick('s', 60)).toBe(false);
    pace.note('s', 10, false);
    expect(pace.isQuick('s', 100)).toBe(false);
    pace.note('s', 10, true);
    expect(pace.isQuick('s', 100)).toBe(true);
  });

  it('counts an attempt still running as at least that slow', () => {
    const pace = createSubscriptionPace();
    pace.note('s', 5, true);
    pace.noteSlow('s', 500);
    expect(pace.typicalMs('s')).toBe(500);
    expect(pace.isQuick('s', 100)).toBe(false);
    pace.noteSlow('fresh', 500);
    expect(pace.isQuick('fresh', 100)).toBe(false);
  });
});
