import { isValidDateTime, readDateTimeFields, type DateTimeFields } from './date-time-fields';

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * True when `value` is an RFC 3339 `date-time` with seconds and a time-zone offset
 * (`Z` or `±hh:mm`), with every field in range.
 * @see https://www.rfc-editor.org/rfc/rfc3339#section-5.6
 */
export function isRfc3339Timestamp(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const fields = readDateTimeFields(m);
  if (!isValidDateTime(fields, { leapSecond: true })) return false;
  if (m[7] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  const offsetMinutes = m[7] === undefined ? 0 : (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return fields.second < 60 || isLeapSecondMinute(fields, offsetMinutes);
}

/**
 * A leap second is the 61st second of the last minute of a UTC day at the end of a month
 * (RFC 3339 5.7): 23:59:60Z, or the same instant in another offset (15:59:60-08:00).
 */
function isLeapSecondMinute(f: DateTimeFields, offsetMinutes: number): boolean {
  const utc = new Date(0);
  utc.setUTCFullYear(f.year, f.month - 1, f.day); // years below 100 too, unlike Date.UTC
  utc.setUTCHours(f.hour, f.minute - offsetMinutes);
  const nextDay = new Date(utc.getTime() + 60_000);
  return utc.getUTCHours() === 23 && utc.getUTCMinutes() === 59 && nextDay.getUTCDate() === 1;
}
