import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, redisDurabilityWarnings, startRedisServer } from '../../../src/runtime';
import { TestRedis } from '../../support/test-redis';

describe('redisDurabilityWarnings', () => {
  it('is silent for noeviction with an AOF written on every write', async () => {
    const redis = await TestRedis.start({ appendfsync: 'always' });
    try {
      expect(await redisDurabilityWarnings(redis.client())).toEqual([]);
    } finally {
      await redis.stop();
    }
  });

  it('says what an AOF written once a second, or when the system likes, can lose', async () => {
    const redis = await TestRedis.start({ appendfsync: 'everysec' });
    try {
      expect(await redisDurabilityWarnings(redis.client())).toEqual([
        expect.stringMatching(/appendfsync is everysec: a crash of the machine/),
      ]);
      await redis.client().config('SET', 'appendfsync', 'no');
      expect(await redisDurabilityWarnings(redis.client())).toEqual([
        expect.stringMatching(/appendfsync is no/),
      ]);
    } finally {
      await redis.stop();
    }
  });

  it("warns for snapshots without an AOF (Debian's default configuration)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-relay-snapshots-'));
    const snapshots = await startRedisServer({ port: await freePort(), dir, appendonly: false });
    const client = new Redis(snapshots.url);
    try {
      await client.config('SET', 'save', '3600 1 300 100 60 10000');
      expect(await redisDurabilityWarnings(client)).toEqual([
        expect.stringMatching(/persists only snapshots \(save "3600 1 300 100 60 10000", no AOF\)/),
      ]);
    } finally {
      client.disconnect();
      await snapshots.kill();
      rmSync(dir, { recursive: true, force: true });
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
