import { compileCesql, type CesqlEvent } from '../cesql';
import type { Filter } from './filter-schema';

export type EventPredicate = (event: CesqlEvent) => boolean;

const always: EventPredicate = () => true;

/** A string attribute value, or undefined when absent (a missing attribute never matches). */
function attribute(event: CesqlEvent, name: string): string | undefined {
  if (name === 'data' || name === 'data_base64') return undefined;
  const value = event[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function comparing(
  map: Readonly<Record<string, string>>,
  test: (actual: string, expected: string) => boolean,
) {
  const entries = Object.entries(map);
  return (event: CesqlEvent) =>
    entries.every(([name, expected]) => {
      const actual = attribute(event, name);
      return actual !== undefined && test(actual, expected);
    });
}

/**
 * Compiles validated filters once into one predicate: the array is ANDed; `exact`, `prefix`,
 * `suffix` compare attribute values case-sensitively; `sql` is CESQL compiled once.
 * @see https://github.com/cloudevents/spec/blob/main/subscriptions/spec.md (section 3.2.4, filters)
 */
export function compileFilters(filters: readonly Filter[] | undefined): EventPredicate {
  if (!filters || filters.length === 0) return always;
  const predicates = filters.map(compileFilter);
  return predicates.length === 1 ? predicates[0]! : (event) => predicates.every((p) => p(event));
}

function compileFilter(filter: Filter): EventPredicate {
  if ('exact' in filter) return comparing(filter.exact, (a, e) => a === e);
  if ('prefix' in filter) return comparing(filter.prefix, (a, e) => a.startsWith(e));
  if ('suffix' in filter) return comparing(filter.suffix, (a, e) => a.endsWith(e));
  if ('all' in filter) {
    const all = filter.all.map(compileFilter);
    return (event) => all.every((p) => p(event));
  }
  if ('any' in filter) {
    const any = filter.any.map(compileFilter);
    return (event) => any.some((p) => p(event));
  }
  if ('not' in filter) {
    const inner = compileFilter(filter.not);
    return (event) => !inner(event);
  }
  const sql = compileCesql(filter.sql);
  return (event) => sql.matches(event);
}
