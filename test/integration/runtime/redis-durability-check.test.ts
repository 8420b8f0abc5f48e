import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, redisDurabilityWarnings, startRedisServer } from '../../../src/runtime';
import { TestRedis } from '../../support/test-redis';

describe('redisDurabilityWarnings', () => {
  it('is silent for noeviction with AOF on (the harness runs Redis that way)', async () => {
    const redis = await TestRedis.start();
    try {
      expect(await redisDurabilityWarnings(redis.client())).toEqual([]);
    } finally {
      await redis.stop();
    }
  });

  it('warns when Redis may evict keys, and when nothing is persisted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-relay-volatile-'));
    const volatile = await startRedisServer({ port: await freePort(), dir, appendonly: false });
    const client = new Redis(volatile.url);
    try {
      await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const warnings = await redisDurabilityWarnings(client);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/maxmemory-policy is allkeys-lru/);
      expect(warnings[1]).toMatch(/persistence is off/);
    } finally {
      client.disconnect();
      await volatile.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
