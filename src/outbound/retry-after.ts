/**
 * Reads a `Retry-After` value (delay-seconds or an HTTP date, RFC 9110 section 10.2.3) as
 * milliseconds from `now`; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP dates end in "GMT" (RFC 9110 section 5.6.7); anything else is not one.
  if (!trimmed.endsWith('GMT')) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
