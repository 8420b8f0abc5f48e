import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../../src/observability';

const root = path.join(__dirname, '../../..');
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/** Every metric name a PromQL expression reads, histogram series folded to their metric. */
function metricsIn(expression: string): string[] {
  return [...expression.matchAll(/\b(cerelay_[a-z_]+|process_[a-z_]+|nodejs_[a-z_]+)\b/g)].map((m) =>
    m[1]!.replace(HISTOGRAM_SERIES, ''),
  );
}

/** The names in the registry, each histogram also under its own name. */
async function registered(): Promise<Set<string>> {
  const json = await createMetrics().registry.getMetricsAsJSON();
  return new Set(json.map((metric) => metric.name));
}

describe('deploy/: the Grafana dashboard and the Prometheus alert rules', () => {
  it('the dashboard is valid JSON whose every query reads metrics ce-relay exports', async () => {
    const dashboard = JSON.parse(
      readFileSync(path.join(root, 'deploy/grafana/ce-relay-dashboard.json'), 'utf8'),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const known = await registered();
    const queried = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => metricsIn(target.expr)),
    );
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.filter((name) => !known.has(name))).toEqual([]);
    // Every ce-relay metric is on the dashboard.
    const shown = new Set(queried);
    expect([...known].filter((name) => name.startsWith('cerelay_') && !shown.has(name))).toEqual([]);
  });

  it('the alert rules read metrics ce-relay exports', async () => {
    const rules = parse(readFileSync(path.join(root, 'deploy/prometheus/alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const known = await registered();
    const alerts = rules.groups.flatMap((group) => group.rules);
    expect(alerts.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'CeRelayDeadLettersRising',
        'CeRelayDeliveryBacklogOld',
        'CeRelaySubscriptionDisabled',
        'CeRelayIngestUnavailable',
      ]),
    );
    const read = alerts.flatMap((rule) => metricsIn(rule.expr));
    expect(read.filter((name) => !known.has(name))).toEqual([]);
  });
});
