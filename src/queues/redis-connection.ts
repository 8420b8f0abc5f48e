import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type ConnectionRole = 'producer' | 'worker' | 'command';

/** A connection to one Redis (a node, or Sentinel's primary) or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

interface Credentials {
  readonly username?: string;
  readonly password?: string;
  readonly tls?: boolean;
}

type HostPort = { readonly host: string; readonly port: number };

/** Where ce-relay's Redis is: one node by URL, the primary that Sentinel names, or a cluster. */
export type RedisTarget =
  | { readonly url: string }
  | ({ readonly cluster: readonly HostPort[] } & Credentials)
  | {
      readonly sentinels: readonly { readonly host: string; readonly port: number }[];
      readonly name: string;
      readonly username?: string;
      readonly password?: string;
      readonly sentinelPassword?: string;
      readonly tls?: boolean;
    };

/** A target for logs: no passwords. */
export function describeTarget(target: RedisTarget): string {
  if ('url' in target) {
    if (!URL.canParse(target.url)) return target.url;
    const parsed = new URL(target.url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  }
  if ('cluster' in target) return `cluster ${target.cluster.map((n) => `${n.host}:${n.port}`).join(',')}`;
  return `sentinel ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')} (${target.name})`;
}

const credentials = (target: Credentials) => ({
  ...(target.username ? { username: target.username } : {}),
  ...(target.password ? { password: target.password } : {}),
  ...(target.tls ? { tls: {} } : {}),
});

function connect(target: RedisTarget, options: RedisOptions): RedisClient {
  if ('url' in target) return new Redis(target.url, options);
  if ('cluster' in target) {
    const { enableOfflineQueue, retryStrategy, ...perNode } = options;
    return new Cluster(
      target.cluster.map(({ host, port }) => ({ host, port })),
      {
        redisOptions: { ...perNode, ...credentials(target) },
        clusterRetryStrategy: retryStrategy,
        enableOfflineQueue: enableOfflineQueue ?? true,
        // A failover: commands wait for the new primary's slots instead of failing at once.
        retryDelayOnFailover: 200,
        retryDelayOnClusterDown: 200,
        slotsRefreshTimeout: 2_000,
      },
    );
  }
  return new Redis({
    ...options,
    sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
    name: target.name,
    role: 'master',
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
    ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}),
  });
}

/**
 * Builds an ioredis connection for one role:
 * - `producer` (the API: enqueue, authentication, rate limits, management): fails fast while
 *   Redis is down (no offline queue), and each command waits at most `commandTimeoutMs` for an
 *   answer (a Redis that stopped answering keeps its sockets open), so a request gets a 503
 *   instead of waiting;
 * - `worker`: BullMQ workers need `maxRetriesPerRequest: null` and wait for Redis to return;
 * - `command`: plain commands (records, readiness) with a bounded wait.
 */
export function createRedisConnection(
  target: RedisTarget | string,
  role: ConnectionRole,
  commandTimeoutMs = 2_000,
): RedisClient {
  const to = typeof target === 'string' ? { url: target } : target;
  const common = {
    connectTimeout: 2_000,
    lazyConnect: false,
    retryStrategy: (attempt: number) => Math.min(200 * attempt, 2_000),
  };
  if (role === 'worker') return connect(to, { ...common, maxRetriesPerRequest: null });
  return connect(to, {
    ...common,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
  });
}

/**
 * The connection to the primary that holds `key`: the client itself, or the cluster's node for the
 * key's slot. For the commands that name no key but act on one node's writes (WAIT).
 */
export function primaryFor(client: RedisClient, key: string): Redis {
  if (!(client instanceof Cluster)) return client;
  const owner = client.slots[calculateSlot(key)]?.[0];
  const node = client.nodes('master').find(({ options }) => `${options.host}:${options.port}` === owner);
  if (!node) throw new Error(`CLUSTERDOWN no known primary holds the slot of ${key}`);
  return node;
}

/**
 * True while the connection can write: its node is a primary (`ROLE`), or, for a cluster, the
 * cluster answers that every slot has a primary (`cluster_state:ok`).
 */
export async function holdsWritablePrimary(client: RedisClient): Promise<boolean> {
  if (client instanceof Cluster) return (await client.cluster('INFO')).includes('cluster_state:ok');
  return ((await client.call('ROLE')) as unknown[])[0] === 'master';
}

/** Resolves true once the connection is ready, false when `timeoutMs` passes first. */
export function waitForReady(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

const UNAVAILABLE =
  /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|Command timed out|enableOfflineQueue|Redis connection is /;
// Replies of a Redis that cannot take writes now: loading, a replica, out of memory, failing over.
const CANNOT_NOW = /^(LOADING|READONLY|OOM|MISCONF|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS) /;

/** True for the errors ioredis raises when Redis cannot be reached (as opposed to a bad command). */
export function isRedisUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    UNAVAILABLE.test(error.message) ||
    CANNOT_NOW.test(error.message)
  );
}
