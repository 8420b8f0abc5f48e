import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createKeySpace } from '../../../src/queues';
import { findRunningRedis, freePort, NoRedisError, resolveRedis } from '../../../src/runtime';
import { eventually } from '../../support/eventually';
import { ServiceHarness } from '../../support/service-harness';
import { TestRedis } from '../../support/test-redis';
import { aoStatusChangedEvent } from '../../fixtures/seed-events';

const silent = pino({ level: 'silent' });
let redis: TestRedis;

beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.stop();
});

describe('runService (ROLE=all)', () => {
  let harness: ServiceHarness;

  beforeAll(async () => {
    harness = await ServiceHarness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('is ready, and the worker stores each accepted event as a record', async () => {
    const ready = await request(harness.base).get('/readyz');
    expect(ready.body).toEqual({
      status: 'ready',
      checks: { redis: true, accepting: true, data: true, 'worker:ingest': true, 'worker:deliver': true },
    });

    const event = aoStatusChangedEvent();
    const posted = await harness.postEvent(event);
    expect(posted.status).toBe(202);

    const recordKey = createKeySpace(harness.prefix).eventRecord(String(posted.body.events[0].key));
    const client = harness.redis.client();
    const stored = await eventually(
      () => client.get(recordKey),
      (value) => value !== null,
    );
    expect(JSON.parse(stored!)).toMatchObject({ event, via: 'structured' });
    expect(await client.ttl(recordKey)).toBeGreaterThan(29 * 86_400);
  });
});

describe('resolveRedis', () => {
  it('uses REDIS_URL as given', async () => {
    const configured = { url: redis.url };
    expect(await resolveRedis({ configured, embeddedDir: 'unused', logger: silent })).toEqual({
      target: configured,
    });
  });

  it('uses the default address when a Redis answers there', async () => {
    const resolved = await resolveRedis({
      configured: undefined,
      defaultUrl: redis.url,
      embeddedDir: 'unused',
      logger: silent,
    });
    expect(resolved).toEqual({ target: { url: redis.url } });
  });

  it('starts an embedded redis-server (AOF on, noeviction) when nothing answers', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ce-relay-embedded-')), 'redis');
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const resolved = await resolveRedis({
      configured: undefined,
      defaultUrl: nobody,
      embeddedDir: dir,
      logger: silent,
    });
    try {
      expect(resolved.embedded).toBeDefined();
      const { Redis } = await import('ioredis');
      const client = new Redis((resolved.target as { url: string }).url);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', dir]);
      client.disconnect();
      // The CLI finds it through the URL file it leaves beside its data, and not once it stopped.
      expect(await findRunningRedis({ configured: undefined, embeddedDir: dir, defaultUrl: nobody })).toEqual(
        resolved.target,
      );
    } finally {
      await resolved.embedded?.stop();
    }
    expect(await findRunningRedis({ configured: undefined, embeddedDir: dir, defaultUrl: nobody })).toBe(
      undefined,
    );
  });

  it('says how to get Redis when there is none at all', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const attempt = resolveRedis({
      configured: undefined,
      defaultUrl: nobody,
      embeddedDir: 'unused',
      logger: silent,
      redisServerBinary: '/nonexistent/redis-server',
    });
    await expect(attempt).rejects.toBeInstanceOf(NoRedisError);
    await expect(attempt).rejects.toThrow(/docker compose up -d redis.*apt-get install redis-server/);
  });
});
