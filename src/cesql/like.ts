/** One character of a LIKE segment: a literal code point, or `_` (any one character). */
type Item = string | null;

/** A LIKE pattern split at its `%`s: each segment a run of literals and `_`s. */
interface LikePattern {
  readonly segments: readonly (readonly Item[])[];
  /** True when the pattern has no `%`: the value must be the one segment exactly. */
  readonly exact: boolean;
}

/**
 * Parses a CESQL LIKE pattern (section 3.4.3): `%` any run of characters, `_` any one character,
 * `\%` and `\_` those characters themselves; any other character, `\` included, is itself.
 */
function parseLike(pattern: string): LikePattern {
  const segments: Item[][] = [[]];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && (chars[i + 1] === '%' || chars[i + 1] === '_')) segments.at(-1)!.push(chars[++i]!);
    else if (c === '%') segments.push([]);
    else segments.at(-1)!.push(c === '_' ? null : c);
  }
  return { segments, exact: segments.length === 1 };
}

/** True when `segment` matches `value` at `at`, one character for one item. */
function matchesAt(value: readonly string[], at: number, segment: readonly Item[]): boolean {
  for (let k = 0; k < segment.length; k++) {
    const item = segment[k];
    if (item !== null && item !== value[at + k]) return false;
  }
  return true;
}

/** The first position in [from, to - length] where `segment` matches, or -1. */
function find(value: readonly string[], from: number, to: number, segment: readonly Item[]): number {
  for (let at = from; at + segment.length <= to; at++) if (matchesAt(value, at, segment)) return at;
  return -1;
}

/**
 * Compiles a LIKE pattern into a matcher that never backtracks: the first and last segments are
 * anchored, and each segment between them is taken at its leftmost match, which is always the best
 * choice. Work is at most the value's length times the pattern's, whatever the pattern.
 */
export function compileLike(pattern: string): (value: string) => boolean {
  const { segments, exact } = parseLike(pattern);
  const first = segments[0]!;
  const last = segments.at(-1)!;
  const middle = segments.slice(1, -1);
  return (text) => {
    const value = Array.from(text);
    if (exact) return value.length === first.length && matchesAt(value, 0, first);
    const end = value.length - last.length;
    if (end < first.length || !matchesAt(value, 0, first) || !matchesAt(value, end, last)) return false;
    let at = first.length;
    for (const segment of middle) {
      const found = find(value, at, end, segment);
      if (found === -1) return false;
      at = found + segment.length;
    }
    return true;
  };
}
