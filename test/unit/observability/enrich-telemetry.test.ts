import { createEnrichTelemetry, createMetrics } from '../../../src/observability';
import { sample } from '../../support/prometheus-text';
import { captureLogs } from '../../support/log-capture';

it('counts upstream fetches by outcome, times them, adds up rate-limit waits, and logs failures at debug', async () => {
  const metrics = createMetrics();
  const log = captureLogs('debug');
  const telemetry = createEnrichTelemetry(log.logger, metrics);
  telemetry.fetched('ao', { ok: true, body: {} }, 120);
  telemetry.fetched('ao', { ok: false, reason: 'https://ao.example/x answered 404' }, 30);
  telemetry.waited('ao', 250);
  telemetry.waited('ao', 1_000);

  const text = await metrics.registry.metrics();
  expect(sample(text, 'cerelay_enrichment_fetches_total{upstream="ao",outcome="ok"}')).toBe(1);
  expect(sample(text, 'cerelay_enrichment_fetches_total{upstream="ao",outcome="error"}')).toBe(1);
  expect(sample(text, 'cerelay_enrichment_fetch_duration_seconds_count{upstream="ao"}')).toBe(2);
  expect(sample(text, 'cerelay_enrichment_fetch_duration_seconds_sum{upstream="ao"}')).toBeCloseTo(0.15);
  expect(sample(text, 'cerelay_upstream_rate_limit_waits_total{upstream="ao"}')).toBe(2);
  expect(sample(text, 'cerelay_upstream_rate_limit_wait_seconds_total{upstream="ao"}')).toBeCloseTo(1.25);
  expect(log.lines.map((l) => [l.level, l.msg, l.reason])).toEqual([
    [20, 'upstream fetch failed', 'https://ao.example/x answered 404'],
  ]);
});
