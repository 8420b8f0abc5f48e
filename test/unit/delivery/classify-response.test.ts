import { classifyResponse, type SendResult } from '../../../src/delivery';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const policy = { retryOn4xx: false, maxRetryAfterMs: 3_600_000, now: NOW };
const answer = (status: number, retryAfter?: string): SendResult => ({
  kind: 'response',
  status,
  retryAfter,
  excerpt: '',
  durationMs: 5,
});
const failure = (errorClass: 'timeout' | 'connection' | 'dns' | 'tls' | 'other'): SendResult => ({
  kind: 'error',
  errorClass,
  message: 'boom',
  durationMs: 5,
});

describe('classifyResponse', () => {
  it.each<[string, SendResult, object]>([
    ['200 is delivered', answer(200), { kind: 'delivered' }],
    ['204 is delivered', answer(204), { kind: 'delivered' }],
    ['299 is delivered', answer(299), { kind: 'delivered' }],
    ['301 gives up: redirects are not followed', answer(301), { kind: 'give_up' }],
    ['307 gives up', answer(307), { kind: 'give_up' }],
    ['400 gives up', answer(400), { kind: 'give_up' }],
    ['404 gives up', answer(404), { kind: 'give_up' }],
    ['408 retries on the schedule', answer(408), { kind: 'retry', scheduled: true }],
    [
      '410 gives up and disables the subscription',
      answer(410),
      { kind: 'give_up', disableSubscription: true },
    ],
    ['429 with Retry-After seconds waits that long', answer(429, '7'), { kind: 'retry', delayMs: 7000 }],
    ['429 without Retry-After retries on the schedule', answer(429), { kind: 'retry', scheduled: true }],
    [
      '503 with an HTTP date waits until then',
      answer(503, 'Sun, 22 Nov 2026 12:01:00 GMT'),
      { kind: 'retry', delayMs: 60_000 },
    ],
    ['503 with a huge Retry-After is clamped', answer(503, '999999'), { kind: 'retry', delayMs: 3_600_000 }],
    [
      '503 with garbage Retry-After retries on the schedule',
      answer(503, 'soon'),
      { kind: 'retry', scheduled: true },
    ],
    ['500 retries', answer(500), { kind: 'retry', scheduled: true }],
    ['502 retries', answer(502), { kind: 'retry' }],
    ['a timeout retries', failure('timeout'), { kind: 'retry' }],
    ['a refused connection retries', failure('connection'), { kind: 'retry' }],
    ['a DNS failure retries', failure('dns'), { kind: 'retry' }],
  ])('%s', (_label, result, expected) => {
    const { scheduled, ...rest } = expected as { scheduled?: boolean };
    const outcome = classifyResponse(result, policy);
    expect(outcome).toMatchObject(rest);
    if (scheduled) expect(outcome).not.toHaveProperty('delayMs');
  });

  it('retries other 4xx when the subscription asks for it', () => {
    expect(classifyResponse(answer(422), { ...policy, retryOn4xx: true })).toMatchObject({ kind: 'retry' });
    expect(classifyResponse(answer(410), { ...policy, retryOn4xx: true })).toMatchObject({ kind: 'give_up' });
  });
});
