import type { RedisClient } from './redis-connection';
import { createBatchedScript } from '../batching';
import { orderingKey } from '../events';
import type { IngestItem } from './ingest-job';

/** An event to claim: its identity key, and the key that orders its deliveries. */
export interface ClaimItem {
  readonly key: string;
  readonly orderingKey: string;
}

/** What an ingest item's claim takes. */
export const claimItem = (item: IngestItem): ClaimItem => ({
  key: item.key,
  orderingKey: orderingKey(item.event, item.tenant),
});

/**
 * Port: which ingest job owns each event. The first job to claim an event key within the
 * dedupe window owns it; every later claim, by the API or a worker, answers that same owner.
 */
export interface EventClaims {
  /** Claims the events (by identity key) for `jobId`; answers the job that owns each event. */
  claim(jobId: string, items: readonly ClaimItem[]): Promise<string[]>;
}

export interface EventClaimKeys {
  readonly claim: (eventKey: string) => string;
  /** Events of an ordering key acknowledged and not routed yet (see the delivery scheduler's lanes). */
  readonly intake: (orderingKey: string) => string;
  /** The acknowledgement counter. */
  readonly ackSeq: string;
}

// KEYS: per event, its claim, its ordering key's intake and the acknowledgement counter. ARGV: per
// event, the claiming job's id, the window in ms and the identity key. Answers the owning job's id
// per event. An event claimed here for the first time takes the next acknowledgement number in
// its key's intake, where ordered deliveries of later events of the key wait for it to be routed.
const CLAIM = `
local owners = {}
for i = 1, #KEYS, 3 do
  local a = i - 1
  local job = ARGV[a + 1]
  if redis.call('SET', KEYS[i], job, 'NX', 'PX', ARGV[a + 2]) then
    redis.call('ZADD', KEYS[i + 1], redis.call('INCR', KEYS[i + 2]), ARGV[a + 3])
    owners[#owners + 1] = job
  else
    owners[#owners + 1] = redis.call('GET', KEYS[i])
  end
end
return owners`;

/**
 * Claims as plain Redis strings (`{cer}:seen:<event key>` = job id) that expire after the window.
 * The claims of jobs asked for during the same turn of the event loop share one command.
 */
export function createRedisEventClaims(
  redis: RedisClient,
  keys: EventClaimKeys,
  windowSeconds: number,
): EventClaims {
  const claimMany = createBatchedScript<string>(redis, CLAIM);
  const windowMs = String(windowSeconds * 1000);
  return {
    claim: (jobId, items) =>
      claimMany(
        items.map((item) => ({
          keys: [keys.claim(item.key), keys.intake(item.orderingKey), keys.ackSeq],
          argv: [jobId, windowMs, item.key],
        })),
      ),
  };
}
