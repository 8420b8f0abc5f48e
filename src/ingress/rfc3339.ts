import { isValidDateTime, readDateTimeFields } from './date-time-fields';

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
  if (!isValidDateTime(readDateTimeFields(m), { leapSecond: true })) return false;
  if (m[7] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return true;
}
