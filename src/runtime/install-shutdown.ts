import type { Logger } from '../logging';

/**
 * On SIGTERM or SIGINT, runs `close` once and exits 0; exits 1 when it takes longer than
 * `graceMs` or fails.
 */
export function installShutdown(close: () => Promise<void>, graceMs: number, logger: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs }, 'shutting down: no new work, finishing what is in flight');
    const timer = setTimeout(() => {
      logger.error({ graceMs }, 'grace period over: exiting with work unfinished');
      process.exit(1);
    }, graceMs);
    timer.unref();
    close().then(
      () => {
        logger.info('stopped cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
