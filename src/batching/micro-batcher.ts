/**
 * Coalesces concurrent calls into one (a group commit): items handed in during the same turn of
 * the event loop go to `flush` together, and while `maxInFlight` flushes are still waiting for
 * Redis, new items wait and go together in the next flush, once one of them settled. Each caller
 * gets back its own results, or the error, once the flush its items were in settled. Lets many
 * requests share one Redis round trip without answering any of them before its own items are
 * stored, and without adding any wait when the load is light. A flush holds at most `maxItems`
 * (a larger call goes alone): reaching it flushes at once, in flight or not.
 */
export function createMicroBatcher<I, O>(
  flush: (items: readonly I[]) => Promise<readonly O[]>,
  maxItems = 1_000,
  maxInFlight = 1,
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
  let inFlight = 0;

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      run(false);
    });
  };

  const run = (force: boolean) => {
    // A flush forced by `maxItems` leaves the turn's scheduled run with nothing to do.
    if (items.length === 0) return;
    // Still waiting for Redis: these items go in the next flush, when one settles.
    if (!force && inFlight >= maxInFlight) return;
    const batch = items;
    const callers = waiting;
    items = [];
    waiting = [];
    inFlight++;
    flush(batch)
      .then(
        (results) => {
          for (const caller of callers)
            caller.resolve(results.slice(caller.from, caller.from + caller.count));
        },
        (error: unknown) => {
          for (const caller of callers) caller.reject(error);
        },
      )
      .finally(() => {
        inFlight--;
        if (items.length > 0) schedule();
      });
  };

  return (more) =>
    new Promise<O[]>((resolve, reject) => {
      if (more.length === 0) {
        resolve([]);
        return;
      }
      if (items.length > 0 && items.length + more.length > maxItems) run(true);
      waiting.push({ from: items.length, count: more.length, resolve, reject });
      items.push(...more);
      schedule();
    });
}
