import { setMaxListeners } from 'node:events';

/**
 * Abort signals for deadlines, shared by the requests whose deadlines fall in the same slice of
 * `sliceMs`: a deadline is rounded up to the end of its slice, and one timer aborts every request
 * of the slice. `AbortSignal.timeout` per request costs a timer and a signal each, about a third
 * of an HTTP attempt's client CPU; a shared signal costs a listener. A request that ends removes
 * its listener, so a slice holds only requests still running.
 */
export function createDeadlineSignals(sliceMs = 100, now = Date.now): (timeoutMs: number) => AbortSignal {
  const slices = new Map<number, AbortController>();
  return (timeoutMs) => {
    const end = Math.ceil((now() + timeoutMs) / sliceMs) * sliceMs;
    let controller = slices.get(end);
    if (!controller) {
      const created = new AbortController();
      setMaxListeners(0, created.signal); // one listener per running request: no leak to warn of
      slices.set(end, created);
      const abort = () => {
        slices.delete(end);
        created.abort(new DOMException('The attempt timed out', 'TimeoutError'));
      };
      setTimeout(abort, Math.max(0, end - now())).unref();
      controller = created;
    }
    return controller.signal;
  };
}
