import request from 'supertest';
import { createMetrics } from '../../../src/observability';
import { makeEvent } from '../../fixtures/make-event';
import { buildTestApp } from '../../support/build-test-app';
import { InMemoryIngestQueue } from '../../support/in-memory-ingest-queue';
import { sample } from '../../support/prometheus-text';
import { captureLogs } from '../../support/log-capture';

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

describe('GET /metrics and the ingest metrics', () => {
  it('counts accepted, duplicate and rejected events, and times each 202', async () => {
    const queue = new InMemoryIngestQueue();
    const log = captureLogs('debug');
    const app = buildTestApp({ queue, credentials: { tokens: ['t0ken'], basic: [] }, logger: log.logger });
    const post = (type: string, body: unknown, token = 't0ken') =>
      request(app)
        .post('/events')
        .set('authorization', `Bearer ${token}`)
        .set('content-type', type)
        .send(JSON.stringify(body));

    expect((await post(BATCH, [makeEvent({ id: 'a' }), makeEvent({ id: 'b' })])).status).toBe(202);
    expect((await post(STRUCTURED, makeEvent({ id: 'a' }))).status).toBe(202); // a repeat
    expect((await post(STRUCTURED, { specversion: '1.0' })).status).toBe(400);
    expect((await post(STRUCTURED, makeEvent({ id: 'c' }), 'wrong')).status).toBe(401);

    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(res.text, 'cerelay_events_received_total{outcome="accepted"}')).toBe(2);
    expect(sample(res.text, 'cerelay_events_received_total{outcome="duplicate"}')).toBe(1);
    expect(sample(res.text, 'cerelay_events_received_total{outcome="rejected",reason="invalid"}')).toBe(1);
    expect(sample(res.text, 'cerelay_events_received_total{outcome="rejected",reason="unauthorized"}')).toBe(
      1,
    );
    expect(sample(res.text, 'cerelay_ingest_duration_seconds_count')).toBe(2);
    expect(sample(res.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // Ingest is logged at debug, one line per request, with its counts and no credentials.
    const ingest = log.lines.filter((l) => l.path === '/events');
    expect(ingest.map((l) => [l.level, l.status, l.accepted, l.duplicates])).toEqual([
      [20, 202, 2, 0],
      [20, 202, 1, 1],
      [20, 400, undefined, undefined],
      [20, 401, undefined, undefined],
    ]);
    expect(log.text).not.toContain('t0ken');
  });

  it('with METRICS_TOKEN, answers only a scraper that sends it', async () => {
    const metrics = createMetrics();
    const app = buildTestApp({
      queue: new InMemoryIngestQueue(),
      metrics,
      metricsToken: 'scrape-token-0123456789',
    });
    const refused = await request(app).get('/metrics');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expect((await request(app).get('/metrics').set('authorization', 'Bearer nope')).status).toBe(401);
    const allowed = await request(app).get('/metrics').set('authorization', 'Bearer scrape-token-0123456789');
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('cerelay_events_received_total');
  });
});
