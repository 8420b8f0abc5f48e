import type { CloudEvent, EnrichmentFailure } from '../events';
import type { UpstreamClient } from './upstream-client';

export interface EnrichResult {
  /** The event with `data.resources` filled in; the input itself when nothing applied. */
  readonly event: CloudEvent;
  readonly failures: readonly EnrichmentFailure[];
  /** How many resources were fetched and added. */
  readonly fetched: number;
}

export type Enricher = (event: CloudEvent) => Promise<EnrichResult>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every `resourceReference` string inside `value`, down to `depth` levels of nesting. */
function nestedReferences(value: unknown, depth: number, found: Set<string> = new Set()): Set<string> {
  if (depth < 0) return found;
  if (Array.isArray(value)) for (const item of value) nestedReferences(item, depth, found);
  else if (isObject(value)) {
    if (typeof value.resourceReference === 'string') found.add(value.resourceReference);
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'resourceReference') nestedReferences(child, depth - 1, found);
    }
  }
  return found;
}

function matches(client: UpstreamClient, event: CloudEvent): boolean {
  const { source, type } = client.config.match;
  return (
    (source === undefined || event.source.startsWith(source)) &&
    (type === undefined || event.type.startsWith(type))
  );
}

/**
 * Resolves what an event points to through the first upstream whose `match` fits it:
 * AO's `data.resourceReference` (and, when configured, nested references to `depth`), intent's
 * `data.operation_url`. Results go into `data.resources` keyed by reference; references already
 * there are not fetched. Failures never drop the event: it carries the extension
 * `enrichment: "partial"` and the result lists what failed and why.
 */
export function createEnricher(clients: readonly UpstreamClient[]): Enricher {
  return async (event) => {
    const client = clients.find((c) => matches(c, event));
    const data = event.data;
    if (!client || !isObject(data)) return { event, failures: [], fetched: 0 };
    const { resolve, baseUrl } = client.config;
    const resources: Json = isObject(data.resources) ? { ...data.resources } : {};
    const failures: EnrichmentFailure[] = [];
    let fetched = 0;
    const urlOf = (reference: string) =>
      /^https?:\/\//i.test(reference) ? reference : `${baseUrl.replace(/\/$/, '')}${reference}`;

    const resolveAll = async (references: Iterable<string>, level: number): Promise<void> => {
      const wanted = [...references].filter((r) => !(r in resources));
      const outcomes = await Promise.all(
        wanted.map(async (reference) => ({ reference, outcome: await client.fetch(urlOf(reference)) })),
      );
      const next = new Set<string>();
      for (const { reference, outcome } of outcomes) {
        if (!outcome.ok) {
          failures.push({ reference, reason: outcome.reason });
          continue;
        }
        resources[reference] = outcome.body;
        fetched++;
        if (resolve.nested && level < resolve.depth)
          nestedReferences(outcome.body, resolve.depth).forEach((r) => next.add(r));
      }
      if (next.size > 0) await resolveAll(next, level + 1);
    };

    const roots: string[] = [];
    if (resolve.resourceReference && typeof data.resourceReference === 'string')
      roots.push(data.resourceReference);
    if (resolve.operationUrl && typeof data.operation_url === 'string') roots.push(data.operation_url);
    if (roots.length === 0) return { event, failures: [], fetched: 0 };
    await resolveAll(roots, 0);

    const enriched = {
      ...event,
      data: { ...data, resources },
      ...(failures.length > 0 ? { enrichment: 'partial' } : {}),
    };
    return { event: enriched, failures, fetched };
  };
}
