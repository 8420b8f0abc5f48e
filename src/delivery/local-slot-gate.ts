import type { InflightLimiter } from './inflight-limiter';

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

/**
 * The in-flight limiter, with each subscription's cap kept in this process first. An attempt
 * beyond the cap that this process alone already fills waits here, first come first served, for
 * one of its attempts to end, instead of asking Redis for a slot it would be refused and going
 * back to the queue (a delayed job and another try: a dozen Redis calls each time, again and again
 * while the subscription stays busy). Only for a subscription whose attempts usually end within
 * `maxWaitMs`, and at most that long: an attempt still waiting then is refused as before, so a
 * busy subscription holds the worker's slots no longer than a slightly slower sink would. Redis
 * stays the arbiter across processes: an attempt let in here still asks it for a slot.
 */
export function createLocalSlotGate(inner: InflightLimiter, options: LocalSlotGateOptions): InflightLimiter {
  const lines = new Map<string, Line>();
  /** Deliveries holding one of this process's slots, with their subscription. */
  const holding = new Map<string, string>();

  const leave = (subscriptionId: string) => {
    const line = lines.get(subscriptionId);
    if (!line) return;
    const next = line.waiting.shift();
    if (next) return next(true); // the slot passes to the next in line
    line.running--;
    if (line.running === 0) lines.delete(subscriptionId);
  };

  const enter = (subscriptionId: string, max: number): Promise<boolean> => {
    let line = lines.get(subscriptionId);
    if (!line) lines.set(subscriptionId, (line = { running: 0, waiting: [] }));
    if (line.running < max) {
      line.running++;
      return Promise.resolve(true);
    }
    const typical = options.typicalMs(subscriptionId) ?? 0;
    // A slow subscription's slot would not come in time: refused at once, as without the gate.
    if (typical >= options.maxWaitMs) return Promise.resolve(false);
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
    async acquire(subscriptionId, deliveryId, max, leaseMs) {
      if (!(await enter(subscriptionId, max))) return false;
      let taken = false;
      try {
        taken = await inner.acquire(subscriptionId, deliveryId, max, leaseMs);
      } finally {
        if (taken) holding.set(deliveryId, subscriptionId);
        else leave(subscriptionId);
      }
      return taken;
    },
    async release(subscriptionId, deliveryId) {
      try {
        await inner.release(subscriptionId, deliveryId);
      } finally {
        // Only once Redis has the slot back: the next in line asks it for one.
        if (holding.get(deliveryId) === subscriptionId) {
          holding.delete(deliveryId);
          leave(subscriptionId);
        }
      }
    },
  };
}
