import { Redis } from 'ioredis';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../logging';
import { describeTarget, type RedisTarget } from '../queues';
import {
  freePort,
  isRedisServerInstalled,
  startRedisServer,
  type RedisServerProcess,
} from './redis-server-process';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The Redis the configuration names: REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES; undefined when none is set. */
export function configuredRedis(config: Config): RedisTarget | undefined {
  if (config.REDIS_URL) return { url: config.REDIS_URL };
  const credentials = {
    ...(config.REDIS_USERNAME ? { username: config.REDIS_USERNAME } : {}),
    ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}),
    tls: config.REDIS_TLS,
  };
  if (config.REDIS_CLUSTER_NODES.length > 0)
    return { cluster: config.REDIS_CLUSTER_NODES.map(hostPort), ...credentials };
  if (config.REDIS_SENTINELS.length === 0) return undefined;
  return {
    sentinels: config.REDIS_SENTINELS.map(hostPort),
    name: config.REDIS_SENTINEL_NAME!,
    ...credentials,
    ...(config.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: config.REDIS_SENTINEL_PASSWORD } : {}),
  };
}

function hostPort(address: string) {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

export interface ResolvedRedis {
  readonly target: RedisTarget;
  /** Set when ce-relay started its own redis-server; stop it on exit. */
  readonly embedded?: RedisServerProcess;
}

/** Raised when no Redis can be found or started; its message is the one line to print. */
export class NoRedisError extends Error {
  constructor(defaultUrl: string) {
    super(
      `No Redis answers at ${defaultUrl} and redis-server is not installed. ` +
        'Start one with `docker compose up -d redis` (then REDIS_URL=redis://127.0.0.1:6379), ' +
        'or install the Debian package: `apt-get install redis-server`.',
    );
    this.name = 'NoRedisError';
  }
}

async function answersPing(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface ResolveRedisOptions {
  /** `REDIS_URL` or `REDIS_SENTINELS` (`configuredRedis`); when set it is used as is. */
  readonly configured: RedisTarget | undefined;
  readonly embeddedDir: string;
  readonly logger: Logger;
  /** Where to look when nothing is configured. */
  readonly defaultUrl?: string;
  /** The redis-server executable for the embedded fallback. */
  readonly redisServerBinary?: string;
}

/**
 * The Redis to use: `REDIS_URL` when set; otherwise the default address when something answers
 * there; otherwise an embedded redis-server (data in `embeddedDir`, AOF on, noeviction) for a
 * first run on a machine with Redis installed but not running. Throws `NoRedisError` when
 * none of these works.
 */
export async function resolveRedis(options: ResolveRedisOptions): Promise<ResolvedRedis> {
  const { logger } = options;
  if (options.configured) {
    logger.info({ redis: describeTarget(options.configured) }, 'using the configured Redis');
    return { target: options.configured };
  }
  const defaultUrl = options.defaultUrl ?? DEFAULT_REDIS_URL;
  if (await answersPing(defaultUrl)) {
    logger.warn(
      { url: defaultUrl },
      `REDIS_URL is not set: using the Redis that answers at ${defaultUrl}; set REDIS_URL to choose`,
    );
    return { target: { url: defaultUrl } };
  }
  const binary = options.redisServerBinary ?? 'redis-server';
  if (!isRedisServerInstalled(binary)) throw new NoRedisError(defaultUrl);
  const dir = path.resolve(options.embeddedDir);
  const embedded = await startRedisServer({ binary, port: await freePort(), dir });
  // The CLI (`npx ce-relay`) reads this to find the same Redis.
  const urlFile = embeddedUrlFile(dir);
  writeFileSync(urlFile, `${embedded.url}\n`);
  logger.info(
    { url: embedded.url, dir, pid: embedded.pid },
    `REDIS_URL is not set and no Redis answers at ${defaultUrl}: started an embedded redis-server (AOF on, data in ${dir}); it stops with ce-relay`,
  );
  return {
    target: { url: embedded.url },
    embedded: {
      ...embedded,
      async stop() {
        rmSync(urlFile, { force: true });
        await embedded.stop();
      },
    },
  };
}

/** Where a running embedded Redis's URL is written, beside its data. */
export const embeddedUrlFile = (embeddedDir: string): string => path.join(path.resolve(embeddedDir), 'url');

/**
 * The Redis `npm start` would use, for the CLI: the configured one, else the default address when
 * it answers, else a running embedded Redis's (its URL file); undefined when none answers.
 */
export async function findRunningRedis(options: {
  readonly configured: RedisTarget | undefined;
  readonly embeddedDir: string;
  readonly defaultUrl?: string;
}): Promise<RedisTarget | undefined> {
  if (options.configured) return options.configured;
  const defaultUrl = options.defaultUrl ?? DEFAULT_REDIS_URL;
  if (await answersPing(defaultUrl)) return { url: defaultUrl };
  const file = embeddedUrlFile(options.embeddedDir);
  const url = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  return url && (await answersPing(url)) ? { url } : undefined;
}
