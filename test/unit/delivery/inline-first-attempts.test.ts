import {
  createInlineFirstAttempts,
  createSubscriptionPace,
  type DeliverDecision,
} from '../../../src/delivery';
import type { DeliveryJob } from '../../../src/queues';
import type { Subscription } from '../../../src/subscriptions';
import { makeSubscription } from '../../fixtures/make-subscription';

const job = (subscriptionId: string): DeliveryJob => ({ v: 1, eventKey: 'a'.repeat(40), subscriptionId });

function inlineWith(
  subscriptions: Subscription[],
  answer: (subscriptionId: string, onSend: () => void) => Promise<DeliverDecision>,
  budgetMs = 50,
) {
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  const pace = createSubscriptionPace();
  const errors: string[] = [];
  const processed: string[] = [];
  const inline = createInlineFirstAttempts({
    process: (j, onSend) => {
      processed.push(j.subscriptionId);
      return answer(j.subscriptionId, onSend);
    },
    subscription: (id) => byId.get(id),
    pace,
    budgetMs,
    onError: (error) => errors.push(error.message),
  });
  return { inline, pace, errors, processed };
}

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('inline first attempts', () => {
  it('goes inline only for active subscriptions that are quick and last delivered', () => {
    const { inline, pace } = inlineWith(
      [
        makeSubscription('new'),
        makeSubscription('quick'),
        makeSubscription('slow'),
        makeSubscription('failing'),
        makeSubscription('paused', { status: 'paused' }),
      ],
      async () => ({ kind: 'done' }),
      500,
    );
    pace.note('quick', 20, true);
    pace.note('slow', 60, true); // a tenth of the budget is 50 ms
    pace.note('failing', 5, false);
    const split = inline.split(['new', 'quick', 'slow', 'failing', 'paused', 'deleted'].map(job));
    expect(split.inline.map((j) => j.subscriptionId)).toEqual(['new', 'quick']);
    expect(split.queued.map((j) => j.subscriptionId)).toEqual(['slow', 'failing', 'paused', 'deleted']);
  });

  it('queues every delivery when the budget is 0', () => {
    const { inline } = inlineWith([makeSubscription('s')], async () => ({ kind: 'done' }), 0);
    expect(inline.split([job('s')])).toEqual({ inline: [], queued: [job('s')] });
  });

  it('needs no job for a finished delivery, and a job at the retry time for one to try again', async () => {
    const { inline, processed } = inlineWith(
      [makeSubscription('ok'), makeSubscription('retry')],
      async (id) => (id === 'ok' ? { kind: 'done' } : { kind: 'later', delayMs: 5_000 }),
    );
    expect(await inline.attempt([job('ok'), job('retry')])).toEqual([{ job: job('retry'), delayMs: 5_000 }]);
    expect(processed).toEqual(['ok', 'retry']);
  });

  it('leaves a failed attempt (e.g. Redis away) to a job at once', async () => {
    const { inline, errors } = inlineWith([makeSubscription('s')], async () => {
      throw new Error('Connection is closed.');
    });
    expect(await inline.attempt([job('s')])).toEqual([{ job: job('s'), delayMs: 0 }]);
    expect(errors).toEqual(['Connection is closed.']);
  });

  it('hands an attempt over its budget to a job after its timeout, lets it finish, and queues the next', async () => {
    const subscription = makeSubscription('slow', {
      delivery: { ...makeSubscription('x').delivery, timeoutMs: 2_000 },
    });
    let finished = false;
    let answer: () => void = () => undefined;
    const sinkAnswered = new Promise<void>((resolve) => (answer = resolve));
    const { inline } = inlineWith([subscription], async (_id, onSend) => {
      onSend();
      await sinkAnswered;
      finished = true;
      return { kind: 'done' };
    });
    expect(await inline.attempt([job('slow')])).toEqual([{ job: job('slow'), delayMs: 2_000 + 5_000 }]);
    // The routing step went on after the budget, while the attempt still waited for the sink.
    expect(finished).toBe(false);
    answer();
    await inline.drain();
    expect(finished).toBe(true);
    // Known to be slow now: the next delivery gets a job.
    expect(inline.split([job('slow')]).queued).toHaveLength(1);
  });

  it('counts the budget from the request to the sink, not from ce-relay bookkeeping before it', async () => {
    const { inline } = inlineWith([makeSubscription('s')], async (_id, onSend) => {
      await after(120, undefined); // e.g. Redis slow under load
      onSend();
      await after(10, undefined);
      return { kind: 'done' };
    });
    expect(await inline.attempt([job('s')])).toEqual([]);
    expect(inline.split([job('s')]).inline).toHaveLength(1);
  });
});
