export { configSchema, type Config } from './config-schema';
export { loadConfig, ConfigError } from './load-config';
export {
  loadRelayConfig,
  parseRelayConfig,
  relayConfigSchema,
  type RelayConfig,
  type UpstreamConfig,
  type UpstreamAuth,
} from './relay-config';
