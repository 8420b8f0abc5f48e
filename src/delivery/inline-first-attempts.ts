import type { DeliveryJob, ScheduledDelivery } from '../queues';
import type { DeliverDecision } from './deliver-decision';
import type { Subscription } from '../subscriptions';
import { SLOT_LEASE_MARGIN_MS } from './delivery-limits';
import type { SubscriptionPace } from './subscription-pace';

export interface InlineFirstAttemptsDeps {
  /** The deliver processor: one attempt of one delivery, as a deliver job would make it. */
  readonly process: (
    job: { eventKey: string; subscriptionId: string; round: number },
    onSend: () => void,
  ) => Promise<DeliverDecision>;
  readonly subscription: (id: string) => Subscription | undefined;
  readonly pace: SubscriptionPace;
  /**
   * An inline attempt whose request to the sink is still running after this long is handed to a
   * deliver job, so a sink that turns slow holds the routing of its event no longer than this.
   * Only subscriptions whose attempts usually take under a tenth of it go inline. (Counted from
   * the request, not before: ce-relay's own Redis work, slow under load, is no sign of a slow sink.)
   */
  readonly budgetMs: number;
  readonly onError: (error: Error) => void;
}

export interface InlineFirstAttempts {
  /**
   * Makes the first attempt of each routed delivery whose subscription is active and quick,
   * in parallel; answers the jobs still needed (the other deliveries, retries, handovers).
   */
  attempt(jobs: readonly DeliveryJob[]): Promise<ScheduledDelivery[]>;
  /** Jobs that should not wait for an inline attempt: those of slow, failing or inactive subscriptions. */
  split(jobs: readonly DeliveryJob[]): { inline: DeliveryJob[]; queued: DeliveryJob[] };
  /** Waits for the attempts that outlasted their budget (on shutdown). */
  drain(): Promise<void>;
}

/**
 * First attempts made by the routing step itself, without a deliver job: for a healthy sink
 * that answers quickly, a job per delivery costs more Redis work than the attempt. Every
 * guarantee stays with the delivery record and the jobs:
 * - the routing job completes only after each delivery is delivered, final, or has its job
 *   (a retry at its scheduled time, or a handover), so a crash mid-attempt routes again;
 * - an attempt that outlasts the budget goes on in the background, and a job is queued to
 *   look at the delivery after the attempt's timeout (it waits for a retry's scheduled time);
 * - slow or failing subscriptions, or ones at their in-flight cap, get jobs as before.
 */
export function createInlineFirstAttempts(deps: InlineFirstAttemptsDeps): InlineFirstAttempts {
  const quickMs = deps.budgetMs / 10;
  const running = new Set<Promise<unknown>>();

  const attemptOne = async (job: DeliveryJob): Promise<ScheduledDelivery | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    let over: (value: 'over') => void = () => undefined;
    const overBudget = new Promise<'over'>((resolve) => (over = resolve));
    const decision = deps.process({ ...job, round: job.round ?? 0 }, () => {
      timer = setTimeout(() => over('over'), deps.budgetMs);
    });
    try {
      const first = await Promise.race([decision, overBudget]);
      if (first !== 'over') return first.kind === 'later' ? { job, delayMs: first.delayMs } : undefined;
    } catch (error) {
      // The job will make the attempt (or fail the routing job too, if Redis is away).
      deps.onError(error as Error);
      return { job, delayMs: 0 };
    } finally {
      clearTimeout(timer);
    }
    deps.pace.noteSlow(job.subscriptionId, deps.budgetMs);
    const background = decision.catch((error: unknown) => deps.onError(error as Error));
    running.add(background);
    void background.finally(() => running.delete(background));
    const timeoutMs = deps.subscription(job.subscriptionId)?.delivery.timeoutMs ?? 0;
    return { job, delayMs: timeoutMs + SLOT_LEASE_MARGIN_MS };
  };

  return {
    split(jobs) {
      const inline: DeliveryJob[] = [];
      const queued: DeliveryJob[] = [];
      for (const job of jobs) {
        const subscription = deps.subscription(job.subscriptionId);
        const eligible =
          deps.budgetMs > 0 &&
          subscription?.status === 'active' &&
          deps.pace.isQuick(job.subscriptionId, quickMs);
        (eligible ? inline : queued).push(job);
      }
      return { inline, queued };
    },
    async attempt(jobs) {
      const outcomes = await Promise.all(jobs.map(attemptOne));
      return outcomes.filter((o): o is ScheduledDelivery => o !== undefined);
    },
    async drain() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
