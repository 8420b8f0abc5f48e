import type { Redis } from 'ioredis';
import type { ReadinessCheck } from '../http';

export interface ReadinessDeps {
  readonly redis: Redis;
  /** Workers this process runs; each must be running. Empty for an API-only process. */
  readonly workers: readonly { readonly name: string; isRunning(): boolean }[];
  readonly timeoutMs?: number;
}

/** Ready when Redis answers PING in time and every local worker runs. */
export function createReadinessCheck(deps: ReadinessDeps): ReadinessCheck {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const redis = await Promise.race([
      deps.redis.ping().then(
        (reply) => reply === 'PONG',
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), deps.timeoutMs ?? 1000);
      }),
    ]);
    clearTimeout(timer);
    const checks: Record<string, boolean> = { redis };
    for (const worker of deps.workers) checks[`worker:${worker.name}`] = worker.isRunning();
    return { ready: Object.values(checks).every(Boolean), checks };
  };
}
