/**
 * Coalesces concurrent calls into one: items handed in during the same turn of the event loop
 * (up to `maxItems`) go to `flush` together, and each caller gets back its own results, or the
 * error, once that flush settled. Lets many requests share one Redis round trip without
 * answering any of them before its own items are stored.
 */
export function createMicroBatcher<I, O>(
  flush: (items: readonly I[]) => Promise<readonly O[]>,
  maxItems = 1_000,
): (items: readonly I[]) => Promise<O[]> {
  interface Waiting {
    readonly from: number;
    readonly count: number;
    resolve(results: O[]): void;
    reject(error: unknown): void;
  }
  let items: I[] = [];
  let waiting: Waiting[] = [];
  let scheduled = false;

  const run = () => {
    scheduled = false;
    // A flush forced by `maxItems` leaves the turn's scheduled run with nothing to do.
    if (items.length === 0) return;
    const batch = items;
    const callers = waiting;
    items = [];
    waiting = [];
    flush(batch).then(
      (results) => {
        for (const caller of callers) caller.resolve(results.slice(caller.from, caller.from + caller.count));
      },
      (error: unknown) => {
        for (const caller of callers) caller.reject(error);
      },
    );
  };

  return (more) =>
    new Promise<O[]>((resolve, reject) => {
      if (more.length === 0) {
        resolve([]);
        return;
      }
      if (items.length > 0 && items.length + more.length > maxItems) run();
      waiting.push({ from: items.length, count: more.length, resolve, reject });
      items.push(...more);
      if (!scheduled) {
        scheduled = true;
        setImmediate(run);
      }
    });
}
