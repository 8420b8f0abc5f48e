import request from 'supertest';
import { ServiceHarness } from '../../support/service-harness';

let harness: ServiceHarness;
beforeAll(async () => {
  harness = await ServiceHarness.start({ INGEST_TOKENS: 'token-a,token-b', INGEST_RATE_LIMIT: '3/60' });
});
afterAll(async () => {
  await harness.stop();
});

it('limits each sender credential on its own, answering 429 with Retry-After', async () => {
  const post = (token: string, id: string) =>
    request(harness.base)
      .post('/events')
      .set('authorization', `Bearer ${token}`)
      .set('content-type', 'application/cloudevents+json')
      .send(JSON.stringify({ specversion: '1.0', id, source: '/rate', type: 'rate.test' }));
  for (const id of ['a1', 'a2', 'a3']) expect((await post('token-a', id)).status).toBe(202);
  const refused = await post('token-a', 'a4');
  expect(refused.status).toBe(429);
  expect(refused.body.code).toBe('rate_limited');
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(50);
  expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
  expect((await post('token-b', 'b1')).status).toBe(202);
});
