import type { RedisClient } from '../queues/redis-connection';

/**
 * Every setting of a Redis under which an acknowledged event can be lost: `maxmemory-policy`
 * other than `noeviction` (an evicted job or record is a lost event), no persistence, snapshots
 * only, and an AOF that is not written to disk on every write (`appendfsync` `everysec` or `no`).
 * Returns one warning per problem; none when all is safe or the settings cannot be read.
 */
export async function redisDurabilityWarnings(redis: RedisClient): Promise<string[]> {
  const read = async (name: string): Promise<string | undefined> => {
    try {
      const reply = await redis.config('GET', name);
      return reply[1];
    } catch {
      return undefined; // CONFIG may be disabled (managed Redis): nothing to say
    }
  };
  const [policy, appendonly, save, appendfsync] = await Promise.all([
    read('maxmemory-policy'),
    read('appendonly'),
    read('save'),
    read('appendfsync'),
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
  } else if (appendonly === 'no' && save !== undefined) {
    warnings.push(
      `Redis persists only snapshots (save "${save}", no AOF): a crash or restart loses every event acknowledged since the last snapshot; enable appendonly yes`,
    );
  } else if (appendonly === 'yes' && appendfsync === 'no') {
    warnings.push(
      'Redis appendfsync is no: the operating system decides when the AOF reaches the disk, and a crash of the machine can lose about 30 s of acknowledged events; set appendfsync everysec or always',
    );
  } else if (appendonly === 'yes' && appendfsync === 'everysec') {
    warnings.push(
      'Redis appendfsync is everysec: a crash of the machine (not of Redis) can lose the last second or two of acknowledged events; appendfsync always closes that window, at a cost in throughput',
    );
  }
  return warnings;
}
