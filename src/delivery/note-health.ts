import type { Subscription } from '../subscriptions';
import type { AttemptOutcome } from './classify-response';
import type { SubscriptionHealth } from './subscription-health';

export interface NoteHealthDeps {
  readonly health: SubscriptionHealth;
  readonly disableSubscription: (id: string, reason: string, failingSince: Date) => Promise<void>;
  /** Failing this long without a success disables a subscription. */
  readonly autoDisableAfterMs: number;
}

/**
 * Notes an attempt's outcome in its subscription's health: a success ends its failing streak; an
 * answer that says the sink is gone (410), or a streak as long as `autoDisableAfterMs`, disables it.
 */
export function createNoteHealth(
  deps: NoteHealthDeps,
): (subscription: Subscription, outcome: AttemptOutcome, at: Date) => Promise<void> {
  return async (subscription, outcome, at) => {
    if (outcome.kind === 'delivered') return deps.health.succeeded(subscription.id);
    if (outcome.kind === 'give_up' && outcome.disableSubscription) {
      return deps.disableSubscription(subscription.id, `${outcome.reason} at ${at.toISOString()}`, at);
    }
    // A streak that started before the subscription's last status change (e.g. re-enabling) does not count.
    const streak = await deps.health.failed(subscription.id, at);
    const since = new Date(Math.max(streak.getTime(), Date.parse(subscription.statusChangedAt)));
    if (at.getTime() - since.getTime() >= deps.autoDisableAfterMs) {
      const reason = `every delivery attempt has failed since ${since.toISOString()}`;
      await deps.disableSubscription(subscription.id, reason, since);
    }
  };
}
