import request from 'supertest';
import { issueApiKey } from '../../../src/security';
import { ServiceHarness } from '../../support/service-harness';

// A Redis that stops answering (SIGSTOP: its sockets stay open) must cost a request at most its
// wait for Redis, then a 503: every Redis call of a request path is bounded, not only the enqueue.

let harness: ServiceHarness;

beforeAll(async () => {
  harness = await ServiceHarness.start({ INGEST_RATE_LIMIT: '1000/60', ENQUEUE_TIMEOUT_MS: '300' });
});
afterAll(async () => {
  harness.redis.thaw();
  await harness.stop();
});

/** A request that must be answered well within the supertest timeout. */
const answered = (test: request.Test) => test.timeout({ response: 8_000, deadline: 8_000 });

describe('a frozen Redis', () => {
  it('gets 503s, not hangs, on ingest (rate limited, or with an API key not yet known) and management', async () => {
    const event = { specversion: '1.0', id: 'frozen-1', source: '/frozen', type: 'frozen.event' };
    expect((await harness.postEvent(event)).status).toBe(202);
    harness.redis.freeze();
    try {
      const rateLimited = await answered(harness.postEvent({ ...event, id: 'frozen-2' }));
      expect(rateLimited.status).toBe(503);
      expect(rateLimited.headers['retry-after']).toBeDefined();
      const withKey = await answered(
        harness.postEvent({ ...event, id: 'frozen-3' }).set('authorization', `Bearer ${issueApiKey().key}`),
      );
      expect(withKey.status).toBe(503);
      const management = await answered(harness.admin('get', '/subscriptions'));
      expect(management.status).toBe(503);
    } finally {
      harness.redis.thaw();
    }
    expect((await harness.postEvent({ ...event, id: 'frozen-4' })).status).toBe(202);
  });
});
