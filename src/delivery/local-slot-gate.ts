import type { Admission, DeliveryScheduler, LineEntry } from './delivery-scheduler';

export interface LocalSlotGateOptions {
  /** How long an attempt may wait here for one of this process's attempts to end. */
  readonly maxWaitMs: number;
  /** The usual duration of the subscription's attempts, when known. */
  readonly typicalMs: (subscriptionId: string) => number | undefined;
}

interface Line {
  running: number;
  readonly waiting: ((entered: boolean) => void)[];
}

const slotName = (entry: LineEntry) => `${entry.subscriptionId}|${entry.eventKey}`;

/**
 * The delivery scheduler, with each subscription's cap kept in this process first. An attempt
 * beyond the cap that this process alone already fills waits here, first come first served, for
 * one of its attempts to end, before it asks the scheduler: for a subscription whose attempts end
 * within `maxWaitMs`, a slot that frees here soon costs less than a place in the shared line (its
 * own job to queue and fetch later). Only that long, and only for such subscriptions: then it asks
 * the scheduler as it would have at once, which starts it or puts it in line. The scheduler stays
 * the arbiter across processes: an attempt let in here still asks it.
 */
export function createLocalSlotGate(
  inner: DeliveryScheduler,
  options: LocalSlotGateOptions,
): DeliveryScheduler {
  const lines = new Map<string, Line>();
  /** Deliveries holding one of this process's slots. */
  const holding = new Set<string>();

  const lineOf = (subscriptionId: string) => {
    let line = lines.get(subscriptionId);
    if (!line) lines.set(subscriptionId, (line = { running: 0, waiting: [] }));
    return line;
  };

  const leave = (subscriptionId: string) => {
    const line = lines.get(subscriptionId);
    if (!line) return;
    const next = line.waiting.shift();
    if (next) return next(true); // the slot passes to the next in line
    line.running--;
    if (line.running === 0) lines.delete(subscriptionId);
  };

  /** Whether the attempt got one of this process's slots (else it waited out, or need not wait). */
  const enter = (subscriptionId: string, max: number): Promise<boolean> => {
    const line = lineOf(subscriptionId);
    if (line.running < max) {
      line.running++;
      return Promise.resolve(true);
    }
    const typical = options.typicalMs(subscriptionId) ?? 0;
    // No slot at all (paused), or a slow subscription's slot would not come in time: ask at once.
    if (max <= 0 || typical >= options.maxWaitMs) return Promise.resolve(false);
    const waiting = line.waiting;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(admit), 1);
        resolve(false);
      }, options.maxWaitMs);
      const admit = (entered: boolean) => {
        clearTimeout(timer);
        resolve(entered);
      };
      waiting.push(admit);
    });
  };

  return {
    async admit(entry, limits, handed) {
      // A delivery handed a slot has it already: counted here, not held up.
      const entered = handed ? false : await enter(entry.subscriptionId, limits.maxInFlight);
      let answer: Admission | undefined;
      try {
        answer = await inner.admit(entry, limits, handed);
      } finally {
        if (answer === 'start') {
          // Started by the scheduler without a slot of this process (handed one, or after waiting
          // out here while a slot freed in another process): counted here too.
          if (!entered) lineOf(entry.subscriptionId).running++;
          holding.add(slotName(entry));
        } else if (entered) leave(entry.subscriptionId);
      }
      return answer;
    },
    async release(entry, limits, options) {
      try {
        await inner.release(entry, limits, options);
      } finally {
        // Only once the scheduler has the slot back: the next in line here asks it for one.
        if (holding.delete(slotName(entry))) leave(entry.subscriptionId);
      }
    },
    settle: (entry) => inner.settle(entry),
    laneLength: (subscriptionId, lane) => inner.laneLength(subscriptionId, lane),
    enter: (event) => inner.enter(event),
    lineUp: (items) => inner.lineUp(items),
    sweep: (limits) => inner.sweep(limits),
  };
}
