import type { DeliverDecision } from './deliver-decision';
import type { LineEntry } from './delivery-scheduler';

export interface HandedAttemptsDeps {
  /** The deliver processor, for a delivery handed a slot (no job). */
  readonly process: (job: LineEntry & { readonly handed: true }) => Promise<DeliverDecision>;
  readonly onError: (error: Error) => void;
}

export interface HandedAttempts {
  /** Attempts each delivery at once, in the background. */
  run(handed: readonly LineEntry[]): void;
  /** Stops taking deliveries (they stay in line for other workers) and waits for those under way. */
  drain(): Promise<void>;
  /** Whether this process still takes deliveries handed a slot. */
  readonly accepting: boolean;
}

/**
 * The deliveries this process handed a slot from a line, attempted here without a job: the slot
 * is theirs already, and a job would leave it idle while it waits to be fetched. Their slot is
 * their hold: should this process die, it lapses and the delivery goes back to the head of its line.
 */
export function createHandedAttempts(deps: HandedAttemptsDeps): HandedAttempts {
  const running = new Set<Promise<unknown>>();
  let accepting = true;
  return {
    run(handed) {
      for (const entry of handed) {
        const attempt = deps
          .process({ ...entry, handed: true })
          .catch((error: unknown) => deps.onError(error as Error));
        running.add(attempt);
        void attempt.finally(() => running.delete(attempt));
      }
    },
    async drain() {
      accepting = false;
      while (running.size > 0) await Promise.all(running);
    },
    get accepting() {
      return accepting;
    },
  };
}
