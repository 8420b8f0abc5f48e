import { createMicroBatcher } from '../../../src/batching';

/** A batcher whose flushes wait until the test answers them, oldest first. */
function heldBatcher(maxItems?: number) {
  const flushes: number[][] = [];
  const pending: (() => void)[] = [];
  const batch = createMicroBatcher(
    (items: readonly number[]) =>
      new Promise<readonly number[]>((resolve) => {
        flushes.push([...items]);
        pending.push(() => resolve(items));
      }),
    maxItems,
  );
  return { batch, flushes, answerOldest: () => pending.shift()?.(), pending };
}

describe('createMicroBatcher', () => {
  it('flushes calls made in the same turn together and answers each caller with its own results', async () => {
    const flushes: number[][] = [];
    const batch = createMicroBatcher(async (items: readonly number[]) => {
      flushes.push([...items]);
      return items.map((n) => n * 10);
    });
    const [a, b, c] = await Promise.all([batch([1, 2]), batch([3]), batch([4, 5, 6])]);
    expect(flushes).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect([a, b, c]).toEqual([[10, 20], [30], [40, 50, 60]]);
    expect(await batch([7])).toEqual([70]);
    expect(flushes).toHaveLength(2);
  });

  it('rejects every caller of a failed flush, and the next flush starts clean', async () => {
    let fail = true;
    const batch = createMicroBatcher(async (items: readonly string[]) => {
      if (fail) throw new Error('Redis went away');
      return items.map((s) => s.toUpperCase());
    });
    const results = await Promise.allSettled([batch(['a']), batch(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batch(['c'])).toEqual(['C']);
  });

  it('never puts more than maxItems in one flush (a larger call goes alone)', async () => {
    const sizes: number[] = [];
    const batch = createMicroBatcher(async (items: readonly number[]) => {
      sizes.push(items.length);
      return items;
    }, 3);
    await Promise.all([batch([1, 2]), batch([3, 4]), batch([5]), batch([6, 7, 8, 9])]);
    // Let every scheduled run happen: none of them may flush an empty batch.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sizes).toEqual([2, 3, 4]);
  });

  it('answers an empty call at once', async () => {
    const batch = createMicroBatcher(async () => {
      throw new Error('not called');
    });
    expect(await batch([])).toEqual([]);
  });

  it('while a flush waits for Redis, gathers later calls for the next flush (one in flight)', async () => {
    const { batch, flushes, answerOldest } = heldBatcher();
    const first = batch([1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toEqual([[1]]);
    // Three more calls over several turns, while the first flush is unanswered.
    const later = [batch([2])];
    await new Promise((resolve) => setImmediate(resolve));
    later.push(batch([3]));
    await new Promise((resolve) => setImmediate(resolve));
    later.push(batch([4]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(flushes).toEqual([[1]]);
    answerOldest();
    expect(await first).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(flushes).toEqual([[1], [2, 3, 4]]);
    answerOldest();
    expect(await Promise.all(later)).toEqual([[2], [3], [4]]);
  });

  it('flushes at maxItems even while another flush is in flight', async () => {
    const { batch, flushes, answerOldest, pending } = heldBatcher(2);
    const calls = [batch([1])];
    await new Promise((resolve) => setImmediate(resolve));
    calls.push(batch([2]), batch([3]), batch([4]));
    expect(flushes).toEqual([[1], [2, 3]]);
    while (flushes.length < 3 || pending.length > 0) {
      answerOldest();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(flushes).toEqual([[1], [2, 3], [4]]);
    expect(await Promise.all(calls)).toEqual([[1], [2], [3], [4]]);
  });
});
