import { memoize } from '../../../src/delivery/memoize';

describe('memoize', () => {
  it('computes each key once, and forgets everything once full', () => {
    const computed: string[] = [];
    const upper = memoize((key) => {
      computed.push(key);
      return key.toUpperCase();
    }, 2);
    expect([upper('a'), upper('b'), upper('a'), upper('b')]).toEqual(['A', 'B', 'A', 'B']);
    expect(computed).toEqual(['a', 'b']);
    expect(upper('c')).toBe('C'); // full: starts again with c alone
    expect(upper('a')).toBe('A');
    expect(computed).toEqual(['a', 'b', 'c', 'a']);
  });

  it('remembers an undefined result too', () => {
    let calls = 0;
    const none = memoize(() => {
      calls++;
      return undefined;
    });
    none('x');
    none('x');
    expect(calls).toBe(1);
  });
});
