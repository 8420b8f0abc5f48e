import { parseRetryAfter } from '../outbound';
import type { SendResult } from './send-result';

/** What to do after an attempt. `delayMs` is absent when the retry schedule decides. */
export type AttemptOutcome =
  | { readonly kind: 'delivered' }
  | { readonly kind: 'retry'; readonly reason: string; readonly delayMs?: number }
  | { readonly kind: 'give_up'; readonly reason: string; readonly disableSubscription?: boolean };

export interface ClassifyPolicy {
  /** Retry 4xx answers that are not otherwise special (default: give up). */
  readonly retryOn4xx: boolean;
  /** Upper bound for a `Retry-After` delay. */
  readonly maxRetryAfterMs: number;
  readonly now: number;
}

/**
 * Decides the outcome of one attempt (docs/delivery.md, the state machine):
 * 2xx delivered; 410 gives up and disables the subscription; 429/503 retry no sooner than
 * `Retry-After` (clamped); other 5xx, 408, timeouts and network errors retry on the schedule;
 * 3xx (redirects are not followed) and other 4xx give up unless `retryOn4xx`.
 */
export function classifyResponse(result: SendResult, policy: ClassifyPolicy): AttemptOutcome {
  if (result.kind === 'error') {
    const reason = `${result.errorClass}: ${result.message}`;
    return result.errorClass === 'blocked' ? { kind: 'give_up', reason } : { kind: 'retry', reason };
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 410)
    return { kind: 'give_up', reason: 'the sink answered 410 Gone', disableSubscription: true };
  if (status === 429 || status === 503) {
    const asked = parseRetryAfter(result.retryAfter, policy.now);
    const reason = `the sink answered ${status}`;
    return asked === undefined
      ? { kind: 'retry', reason }
      : { kind: 'retry', reason, delayMs: Math.min(asked, policy.maxRetryAfterMs) };
  }
  if (status >= 500 || status === 408) return { kind: 'retry', reason: `the sink answered ${status}` };
  if (status >= 300 && status < 400)
    return { kind: 'give_up', reason: `the sink answered ${status} (redirects are not followed)` };
  return policy.retryOn4xx
    ? { kind: 'retry', reason: `the sink answered ${status}` }
    : { kind: 'give_up', reason: `the sink answered ${status}` };
}
