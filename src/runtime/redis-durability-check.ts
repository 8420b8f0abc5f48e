import type { Redis } from 'ioredis';

/**
 * What is wrong with a Redis for ce-relay's promises: `maxmemory-policy` must be `noeviction`
 * (an evicted job or record is a lost event), and persistence should be on (AOF, or at least RDB).
 * Returns one warning per problem; none when all is well or the settings cannot be read.
 */
export async function redisDurabilityWarnings(redis: Redis): Promise<string[]> {
  const read = async (name: string): Promise<string | undefined> => {
    try {
      const reply = await redis.config('GET', name);
      return reply[1];
    } catch {
      return undefined; // CONFIG may be disabled (managed Redis): nothing to say
    }
  };
  const [policy, appendonly, save] = await Promise.all([
    read('maxmemory-policy'),
    read('appendonly'),
    read('save'),
  ]);
  const warnings: string[] = [];
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is ${policy}: under memory pressure it may evict queued events; set it to noeviction`,
    );
  }
  if (appendonly === 'no' && save === '') {
    warnings.push(
      'Redis persistence is off (no AOF, no RDB): a Redis restart loses every queued event; enable appendonly yes',
    );
  }
  return warnings;
}
