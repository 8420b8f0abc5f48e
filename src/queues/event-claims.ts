import type { Redis } from 'ioredis';
import { createBatchedScript } from '../batching';

/**
 * Port: which ingest job owns each event. The first job to claim an event key within the
 * dedupe window owns it; every later claim, by the API or a worker, answers that same owner.
 */
export interface EventClaims {
  /** Claims `eventKeys` (identity keys) for `jobId`; answers the job that owns each event. */
  claim(jobId: string, eventKeys: readonly string[]): Promise<string[]>;
}

// KEYS: the claim keys. ARGV: per key, the claiming job's id and the window in ms. Answers the
// owning job's id per key.
const CLAIM = `
local owners = {}
for i, key in ipairs(KEYS) do
  local job = ARGV[i * 2 - 1]
  redis.call('SET', key, job, 'NX', 'PX', ARGV[i * 2])
  owners[i] = redis.call('GET', key)
end
return owners`;

/**
 * Claims as plain Redis strings (`{cer}:seen:<event key>` = job id) that expire after the window.
 * The claims of jobs asked for during the same turn of the event loop share one command.
 */
export function createRedisEventClaims(
  redis: Redis,
  key: (eventKey: string) => string,
  windowSeconds: number,
): EventClaims {
  const claimMany = createBatchedScript<string>(redis, CLAIM);
  const windowMs = String(windowSeconds * 1000);
  return {
    claim: (jobId, eventKeys) =>
      claimMany(eventKeys.map((k) => ({ keys: [key(k)], argv: [jobId, windowMs] }))),
  };
}
