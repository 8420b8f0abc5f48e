import type { AttemptReport } from '../../../src/delivery';
import { attemptOutcome, rejectionReason, statusClass } from '../../../src/observability';

const report = (change: Partial<AttemptReport>): AttemptReport => ({
  delivery: { id: 'd1', tenant: 'default', eventId: 'e1', eventType: 't', subscriptionId: 's1', round: 0 },
  attempt: 1,
  outcome: 'retry',
  sent: true,
  durationMs: 5,
  ...change,
});

describe('statusClass: the class of an answer, a bounded label', () => {
  it.each<[string, Partial<AttemptReport>, string]>([
    ['204', { statusCode: 204, outcome: 'delivered' }, '2xx'],
    ['302', { statusCode: 302, outcome: 'failed' }, '3xx'],
    ['404', { statusCode: 404, outcome: 'failed' }, '4xx'],
    ['503', { statusCode: 503 }, '5xx'],
    ['a timeout', { errorClass: 'timeout' }, 'timeout'],
    ['a refused connection', { errorClass: 'connection' }, 'network'],
    ['a name that does not resolve', { errorClass: 'dns' }, 'network'],
    ['a TLS failure', { errorClass: 'tls' }, 'network'],
    ['an address the policy refuses', { errorClass: 'blocked', outcome: 'failed' }, 'none'],
    ['a request that could not be built', { errorClass: 'request', sent: false, outcome: 'failed' }, 'none'],
    [
      'an end without a request',
      { sent: false, outcome: 'failed', error: 'the subscription was deleted' },
      'none',
    ],
  ])('%s: %s', (_name, change, expected) => {
    expect(statusClass(report(change))).toBe(expected);
  });

  it('names a refused address "blocked" and keeps every other outcome', () => {
    expect(attemptOutcome(report({ errorClass: 'blocked', outcome: 'failed' }))).toBe('blocked');
    expect(attemptOutcome(report({ statusCode: 404, outcome: 'failed' }))).toBe('failed');
    expect(attemptOutcome(report({ statusCode: 204, outcome: 'delivered' }))).toBe('delivered');
    expect(attemptOutcome(report({ statusCode: 503 }))).toBe('retry');
  });
});

describe('rejectionReason: why an ingest request was refused, a bounded label', () => {
  it.each([
    [400, 'invalid'],
    [415, 'invalid'],
    [404, 'invalid'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [413, 'too_large'],
    [429, 'rate_limited'],
    [503, 'unavailable'],
    [500, 'error'],
  ])('%i: %s', (status, reason) => {
    expect(rejectionReason(status)).toBe(reason);
  });
});
