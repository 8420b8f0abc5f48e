/**
 * Remembers the results of a pure function of a string, for the few distinct keys a worker sees
 * again and again (sink URLs, signing secrets). Holds at most `max` results: when full, it
 * forgets them all and starts again.
 */
export function memoize<T>(fn: (key: string) => T, max = 1_000): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    if (results.has(key)) return results.get(key)!;
    const result = fn(key);
    if (results.size >= max) results.clear();
    results.set(key, result);
    return result;
  };
}
