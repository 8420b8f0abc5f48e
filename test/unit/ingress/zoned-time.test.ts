import { localToRfc3339 } from '../../../src/ingress/zoned-time';

describe('localToRfc3339', () => {
  it('adds the zone offset in force at that date (winter and summer time)', () => {
    expect(localToRfc3339('2019-03-14T17:10:00.000', 'Europe/Paris')).toBe('2019-03-14T17:10:00.000+01:00');
    expect(localToRfc3339('2019-08-02T10:30:00.000', 'Europe/Paris')).toBe('2019-08-02T10:30:00.000+02:00');
    expect(localToRfc3339('2019-08-02T10:30:00', 'America/New_York')).toBe('2019-08-02T10:30:00-04:00');
    expect(localToRfc3339('2019-08-02T10:30:00', 'Asia/Kolkata')).toBe('2019-08-02T10:30:00+05:30');
  });

  it('picks the earlier instant when clocks go back, and the old offset in a gap', () => {
    expect(localToRfc3339('2019-10-27T02:30:00', 'Europe/Paris')).toBe('2019-10-27T02:30:00+02:00');
    expect(localToRfc3339('2019-03-31T02:30:00', 'Europe/Paris')).toBe('2019-03-31T02:30:00+01:00');
  });

  it('refuses what is not an offset-less date-time', () => {
    expect(localToRfc3339('2019-02-30T01:00:00', 'Europe/Paris')).toBeUndefined();
    expect(localToRfc3339('2019-08-02T10:30:00Z', 'Europe/Paris')).toBeUndefined();
    expect(localToRfc3339('yesterday', 'Europe/Paris')).toBeUndefined();
  });
});
