export { configSchema, type Config } from './config-schema';
export { loadConfig, ConfigError, processEnvironment } from './load-config';
export {
  loadRelayConfig,
  parseRelayConfig,
  relayConfigSchema,
  type RelayConfig,
  type UpstreamConfig,
  type UpstreamAuth,
} from './relay-config';
