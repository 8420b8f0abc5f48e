import { createBatchedScript } from '../../../src/batching';
import { TestRedis } from '../../support/test-redis';

let redis: TestRedis;
beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
});

/** How many scripts Redis has run so far: by EVAL and EVALSHA, or by EVAL alone (their text). */
async function scriptCalls(only: 'eval' | 'both' = 'both'): Promise<number> {
  const stats = await redis.client().info('commandstats');
  const calls = only === 'eval' ? /cmdstat_eval:calls=(\d+)/g : /cmdstat_eval(?:sha)?:calls=(\d+)/g;
  return [...stats.matchAll(calls)].reduce((n, m) => n + Number(m[1]), 0);
}

// KEYS: counters. ARGV: per counter, the amount. Answers each counter's new value.
const INCREMENT = `
local out = {}
for k = 1, #KEYS do out[k] = redis.call('INCRBY', KEYS[k], ARGV[k]) end
return out`;

describe('createBatchedScript', () => {
  it('runs the items of calls made in the same turn as one command, answering each caller its own results', async () => {
    const increment = createBatchedScript<number>(redis.client(), INCREMENT);
    const item = (key: string, by: number) => ({ keys: [`count:${key}`], argv: [String(by)] });
    await increment([item('warm-up', 1)]); // loads the script
    const before = await scriptCalls();

    const [a, b, c] = await Promise.all([
      increment([item('a', 1), item('b', 2)]),
      increment([item('a', 10)]),
      increment([item('c', 5)]),
    ]);

    expect(await scriptCalls()).toBe(before + 1);
    // In order, item by item: the second call's `a` comes after the first call's.
    expect([a, b, c]).toEqual([[1, 2], [11], [5]]);
    expect(await increment([item('a', 100)])).toEqual([111]);
    expect(await scriptCalls()).toBe(before + 2);
  });

  it('rejects every caller whose items were in a failed call, and the next call goes on', async () => {
    const failOn = createBatchedScript<number>(
      redis.client(),
      `for k = 1, #ARGV do if ARGV[k] == 'fail' then return redis.error_reply('asked to fail') end end
       local out = {} for k = 1, #ARGV do out[k] = k end return out`,
    );
    const results = await Promise.allSettled([
      failOn([{ keys: [], argv: ['ok'] }]),
      failOn([{ keys: [], argv: ['fail'] }]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/asked to fail/);
    expect(await failOn([{ keys: [], argv: ['ok'] }])).toEqual([1]);
  });

  it('loads the script again by its text when Redis lost it (restart, SCRIPT FLUSH), once', async () => {
    const increment = createBatchedScript<number>(redis.client(), INCREMENT);
    const item = { keys: ['count:flushed'], argv: ['1'] };
    await increment([item]);
    await redis.client().script('FLUSH');
    const before = await scriptCalls('eval');

    expect(await increment([item])).toEqual([2]);
    expect(await increment([item])).toEqual([3]);
    expect(await scriptCalls('eval')).toBe(before + 1);
  });

  it('passes every argument as it is, empty strings and non-ASCII text included', async () => {
    const echo = createBatchedScript<string[]>(
      redis.client(),
      `local out = {} for k = 1, #ARGV, 2 do out[#out + 1] = { KEYS[(k + 1) / 2], ARGV[k], ARGV[k + 1] } end return out`,
    );
    const results = await echo([
      { keys: ['k:1'], argv: ['', 'Café "ü" – 日本 🚚'] },
      { keys: ['k:2'], argv: ['a b\r\n$3', '0'] },
    ]);
    expect(results).toEqual([
      ['k:1', '', 'Café "ü" – 日本 🚚'],
      ['k:2', 'a b\r\n$3', '0'],
    ]);
  });

  it('answers an empty call at once', async () => {
    const increment = createBatchedScript<number>(redis.client(), INCREMENT);
    expect(await increment([])).toEqual([]);
  });
});
