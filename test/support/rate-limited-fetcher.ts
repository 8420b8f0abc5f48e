/**
 * A separate worker process for the shared rate-limit test: fetches `count` orders from an
 * upstream through ce-relay's upstream client, limited by the rate limiter in Redis.
 * Usage: tsx rate-limited-fetcher.ts <redis-url> <key-prefix> <upstream-url> <first> <count>
 */
import { Redis } from 'ioredis';
import { parseRelayConfig } from '../../src/config';
import { createRedisUpstreamRateLimiter, createUpstreamClient } from '../../src/enrich';
import { createAddressPolicy } from '../../src/security';

async function run(): Promise<void> {
  const [redisUrl, prefix, baseUrl, first, count] = process.argv.slice(2) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const redis = new Redis(redisUrl);
  const limiter = createRedisUpstreamRateLimiter(redis, {
    window: (name) => `{${prefix}}:upstream-window:${name}`,
    pause: (name) => `{${prefix}}:upstream-pause:${name}`,
  });
  const [config] = parseRelayConfig({
    upstreams: [
      {
        name: 'ao',
        match: { type: 'ao.' },
        baseUrl,
        rateLimit: { requests: 5, perSeconds: 1 },
        cacheSeconds: 0,
      },
    ],
  }).upstreams;
  const client = createUpstreamClient(config!, { limiter, policy: createAddressPolicy(['127.0.0.0/8']) });
  const outcomes = await Promise.all(
    Array.from({ length: Number(count) }, (_, i) =>
      client.fetch(`${baseUrl}/tenants/1/orders/r${Number(first) + i}`),
    ),
  );
  process.stdout.write(`fetched ${outcomes.filter((o) => o.ok).length}\n`);
  await client.close();
  redis.disconnect();
}

void run();
