import { ConfigError, loadConfig, processEnvironment } from '../config';
import { createShards, createRedisConnection, describeTarget, waitForReady } from '../queues';
import {
  acknowledgeDataLoss,
  configuredRedis,
  dataMarkerKeys,
  DEFAULT_REDIS_URL,
  findRunningRedis,
} from '../runtime';
import { createApiKeyService, createRedisApiKeyStore } from '../security';
import { KEYS_USAGE, runKeysCommand } from './keys-command';

const REDIS_USAGE = `usage:
  ce-relay redis acknowledge-loss   (after Redis lost ce-relay's data: the processes serve again)`;

const USAGE = `ce-relay: the command line of ce-relay (start the service with \`npm start\`)\n${KEYS_USAGE}\n${REDIS_USAGE}`;

/**
 * Entry point of `npx ce-relay`: reads REDIS_URL and KEY_PREFIX like the service does, runs one
 * command against that Redis and resolves with the exit code.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [group, ...rest] = argv;
  const redisCommand = group === 'redis' && rest.length === 1 && rest[0] === 'acknowledge-loss';
  if (group !== 'keys' && !redisCommand) {
    process.stderr.write(`${USAGE}\n`);
    return group === '--help' || group === 'help' ? 0 : 2;
  }
  let config;
  try {
    config = loadConfig(processEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ce-relay: ${error.message}\n`);
    return 2;
  }
  const target = await findRunningRedis({
    configured: configuredRedis(config),
    embeddedDir: config.EMBEDDED_REDIS_DIR,
  });
  if (target === undefined) {
    process.stderr.write(
      `ce-relay: no Redis answers at ${config.REDIS_URL ?? `${DEFAULT_REDIS_URL} and no embedded Redis of npm start is running`}; set REDIS_URL to the Redis that ce-relay uses\n`,
    );
    return 1;
  }
  const redis = createRedisConnection(target, 'command');
  redis.on('error', () => undefined);
  try {
    if (!(await waitForReady(redis, 3_000))) {
      process.stderr.write(
        `ce-relay: no Redis answers at ${describeTarget(target)}; set REDIS_URL (or REDIS_SENTINELS, or REDIS_CLUSTER_NODES) to the Redis that ce-relay uses\n`,
      );
      return 1;
    }
    const shards = createShards(config.KEY_PREFIX, config.REDIS_SHARDS);
    if (redisCommand) {
      const marker = await acknowledgeDataLoss(redis, dataMarkerKeys(shards));
      process.stdout.write(`acknowledged: ce-relay's processes take Redis as it is now (${marker})\n`);
      return 0;
    }
    const keys = createApiKeyService({ store: createRedisApiKeyStore(redis, shards.control.apiKeys) });
    return await runKeysCommand(rest, {
      keys,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    redis.disconnect();
  }
}
