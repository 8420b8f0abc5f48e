import fc from 'fast-check';
import { compileLike } from '../../../src/cesql/like';

/** The spec's semantics as a backtracking regular expression: the reference on small inputs. */
function reference(pattern: string): RegExp {
  let body = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && (chars[i + 1] === '%' || chars[i + 1] === '_')) body += chars[++i];
    else if (c === '%') body += '.*';
    else if (c === '_') body += '.';
    else body += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${body}$`, 'su');
}

describe('LIKE', () => {
  it.each([
    ['_b%', 'ab', true],
    ['_b%', 'abcd1', true],
    ['_b%', 'b', false],
    ['_b%', 'aBc', false],
    ['abc\\%', 'abc%', true],
    ['abc\\%', 'abcd', false],
    ['O-%', 'O-2019-0042', true],
    ['O-%', 'X-1', false],
    ['%', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a%a', 'a', false],
    ['a%a', 'aa', true],
    ['%a%b%', 'xxbxxa', false],
    ['_', '🚗', true],
    ['a\\b', 'a\\b', true],
    ['%\\_%', 'a_b', true],
    ['%\\_%', 'ab', false],
    ['[a-z].*', '[a-z].*', true],
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(compileLike(pattern)(value)).toBe(expected);
  });

  it('agrees with a regular expression of the same pattern', () => {
    const char = fc.constantFrom('a', 'b', '%', '_', '\\', '-', '🚗');
    fc.assert(
      fc.property(
        fc.string({ unit: char, maxLength: 8 }),
        fc.string({ unit: char, maxLength: 10 }),
        (p, v) => {
          expect(compileLike(p)(v)).toBe(reference(p).test(v));
        },
      ),
      { numRuns: 2000, seed: 21 },
    );
  });

  it('matches patterns with 20 wildcards against 10,000 characters in under 10 ms each', () => {
    const value = `${'a'.repeat(9_999)}c`;
    const patterns = [`${'%a'.repeat(20)}%b`, `${'_%'.repeat(20)}b`, `%${'a_'.repeat(10)}${'%'.repeat(10)}b`];
    for (const pattern of patterns) {
      const like = compileLike(pattern);
      // The best of five, so that a pause of the machine is not taken for the matcher's time.
      const times = Array.from({ length: 5 }, () => {
        const started = performance.now();
        expect(like(value)).toBe(false);
        return performance.now() - started;
      });
      expect(Math.min(...times)).toBeLessThan(10);
    }
  });
});
