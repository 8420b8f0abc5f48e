import { isValidDateTime, readDateTimeFields } from './date-time-fields';

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;
const HALF_DAY_MS = 12 * 3600 * 1000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Offset of `timeZone` from UTC at instant `utcMs`, in minutes. */
function offsetMinutes(timeZone: string, utcMs: number): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const field = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Reads an offset-less local date-time (`2019-08-02T10:30:00.000`) as wall-clock time in
 * `timeZone` and returns it as RFC 3339 with that zone's offset (`2019-08-02T10:30:00.000+02:00`).
 * When the wall time occurs twice (clocks go back) the earlier instant is chosen; when it does
 * not exist (clocks go forward) the offset in force before the change is used.
 * Returns `undefined` when the value is not such a date-time.
 */
export function localToRfc3339(local: string, timeZone: string): string | undefined {
  const m = LOCAL.exec(local);
  if (!m) return undefined;
  const fields = readDateTimeFields(m);
  if (!isValidDateTime(fields, { leapSecond: false })) return undefined;
  const { year, month, day, hour, minute, second } = fields;
  const wallAsUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const before = offsetMinutes(timeZone, wallAsUtc - HALF_DAY_MS);
  const after = offsetMinutes(timeZone, wallAsUtc + HALF_DAY_MS);
  const valid = [before, after]
    .filter((offset) => offsetMinutes(timeZone, wallAsUtc - offset * 60_000) === offset)
    .sort((a, b) => b - a);
  return `${local}${formatOffset(valid[0] ?? before)}`;
}
