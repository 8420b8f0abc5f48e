import { holdsWritablePrimary, type RedisClient } from '../queues/redis-connection';
import type { ReadinessCheck } from '../http';

export interface ReadinessDeps {
  readonly redis: RedisClient;
  /** Workers this process runs; each must be running. Empty for an API-only process. */
  readonly workers: readonly { readonly name: string; isRunning(): boolean }[];
  /** Why Redis is taken to have lost ce-relay's data, if it is (see `DataMarker`). */
  readonly dataLost?: () => Promise<string | undefined>;
  /** False once the process drains for shutdown: a load balancer should send it nothing new. */
  readonly accepting?: () => boolean;
  readonly timeoutMs?: number;
}

/**
 * Ready when the process is not shutting down, its Redis answers in time and is a primary (a node
 * that a failover turned into a replica takes no writes: nothing may be acknowledged to it) or a
 * cluster with a primary for every slot, still
 * holds ce-relay's data, and every local worker runs.
 */
export function createReadinessCheck(deps: ReadinessDeps): ReadinessCheck {
  const timeoutMs = deps.timeoutMs ?? 1000;
  /** `probe`'s verdict, or false when it fails or takes longer than the timeout. */
  const within = async (probe: () => Promise<boolean>): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        probe().catch(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  return async () => {
    const dataLost = deps.dataLost;
    const [redis, data] = await Promise.all([
      within(() => holdsWritablePrimary(deps.redis)),
      dataLost ? within(async () => (await dataLost()) === undefined) : undefined,
    ]);
    const checks: Record<string, boolean> = { redis };
    if (deps.accepting) checks.accepting = deps.accepting();
    if (data !== undefined) checks.data = data;
    for (const worker of deps.workers) checks[`worker:${worker.name}`] = worker.isRunning();
    return { ready: Object.values(checks).every(Boolean), checks };
  };
}
