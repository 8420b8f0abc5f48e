import type { Redis } from 'ioredis';

/**
 * Port: which ingest job owns each event. The first job to claim an event key within the
 * dedupe window owns it; every later claim, by the API or a worker, answers that same owner.
 */
export interface EventClaims {
  /** Claims `eventKeys` for `jobId`; true where the job owns the event. */
  claim(jobId: string, eventKeys: readonly string[]): Promise<boolean[]>;
}

// KEYS: the claim keys. ARGV: job id, window in ms. Answers 1 where the job owns the event.
const CLAIM = `
local owned = {}
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'NX', 'PX', ARGV[2])
  owned[i] = redis.call('GET', key) == ARGV[1] and 1 or 0
end
return owned`;

type Scripted = Redis & { ceClaimEvents(numberOfKeys: number, ...args: string[]): Promise<number[]> };

/** Claims as plain Redis strings (`{cer}:seen:<event key>` = job id) that expire after the window. */
export function createRedisEventClaims(
  redis: Redis,
  key: (eventKey: string) => string,
  windowSeconds: number,
): EventClaims {
  const scripted = redis as Scripted;
  if (typeof scripted.ceClaimEvents !== 'function') redis.defineCommand('ceClaimEvents', { lua: CLAIM });
  return {
    async claim(jobId, eventKeys) {
      if (eventKeys.length === 0) return [];
      const owned = await scripted.ceClaimEvents(
        eventKeys.length,
        ...eventKeys.map(key),
        jobId,
        String(windowSeconds * 1000),
      );
      return owned.map((o) => o === 1);
    },
  };
}
