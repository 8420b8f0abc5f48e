/** The numeric fields of a date-time matched by a regular expression (groups 1 to 6). */
export interface DateTimeFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export function readDateTimeFields(match: RegExpExecArray): DateTimeFields {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  return { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second: second! };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when every field is in range; `leapSecond` allows second 60 (RFC 3339 does). */
export function isValidDateTime(f: DateTimeFields, options: { leapSecond: boolean }): boolean {
  return (
    f.month >= 1 &&
    f.month <= 12 &&
    f.day >= 1 &&
    f.day <= daysInMonth(f.year, f.month) &&
    f.hour <= 23 &&
    f.minute <= 59 &&
    f.second <= (options.leapSecond ? 60 : 59)
  );
}
