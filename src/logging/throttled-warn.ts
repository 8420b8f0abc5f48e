import type { Logger } from 'pino';

/**
 * A warning that is logged at most once per `intervalMs`, with how many were held back:
 * for errors that repeat while a dependency is down (each Redis reconnect attempt fails).
 */
export function throttledWarn(logger: Logger, message: string, intervalMs = 10_000): (error: Error) => void {
  let last = 0;
  let held = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < intervalMs) {
      held += 1;
      return;
    }
    logger.warn({ err: error.message, repeats: held }, message);
    last = now;
    held = 0;
  };
}
