import {
  ConfigError,
  loadConfig,
  loadRelayConfig,
  processEnvironment,
  type Config,
  type RelayConfig,
} from './config';
import { createLogger } from './logging';
import { installShutdown, NoRedisError, RedisServerMissingError, runService } from './runtime';
import { packageVersion } from './runtime/package-info';
import { startTracing } from './tracing';

/**
 * Process entry point: `npm start`. Runs the API and the workers (ROLE=all), or one side.
 * Prints one line and exits non-zero when the configuration is bad or no Redis can be had.
 */
export async function main(env: NodeJS.ProcessEnv, overrides: Partial<Config> = {}): Promise<void> {
  let config: Config;
  let relay: RelayConfig;
  try {
    config = { ...loadConfig(env), ...overrides };
    relay = loadRelayConfig(config.RELAY_CONFIG);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ce-relay: ${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.LOG_LEVEL, config.LOG_FORMAT);
  try {
    // Before anything else, so that every span of this process goes to the exporter.
    const stopTracing = await startTracing(env, logger, packageVersion());
    const service = await runService(config, logger, relay);
    const stop = async () => {
      await service.close();
      await stopTracing();
    };
    installShutdown(stop, config.SHUTDOWN_GRACE_MS, logger);
  } catch (error) {
    if (error instanceof NoRedisError || error instanceof RedisServerMissingError) {
      process.stderr.write(`ce-relay: ${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
}

if (require.main === module) void main(processEnvironment());
