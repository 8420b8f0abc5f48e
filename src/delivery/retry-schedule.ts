/**
 * Delay before retry number `retry` (1 = the first retry) from a schedule in seconds, with
 * up to ±20 % jitter so that retries of many deliveries do not arrive together.
 * Returns `undefined` when the schedule is used up.
 */
export function scheduledDelayMs(
  retry: number,
  schedule: readonly number[],
  random: () => number = Math.random,
): number | undefined {
  const seconds = schedule[retry - 1];
  if (seconds === undefined) return undefined;
  const jitter = 1 + (random() * 2 - 1) * 0.2;
  return Math.round(seconds * 1000 * jitter);
}
