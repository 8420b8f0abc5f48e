export {
  startRedisServer,
  freePort,
  isRedisServerInstalled,
  RedisServerMissingError,
  type RedisServerOptions,
  type RedisServerProcess,
} from './redis-server-process';
export {
  resolveRedis,
  configuredRedis,
  findRunningRedis,
  NoRedisError,
  DEFAULT_REDIS_URL,
  type ResolvedRedis,
  type ResolveRedisOptions,
} from './resolve-redis';
export { runService, type RunningService } from './run-service';
export { installShutdown } from './install-shutdown';
export { createReadinessCheck, type ReadinessDeps } from './readiness';
export { loadOpenApiDocument } from './load-openapi';
export { redisDurabilityWarnings } from './redis-durability-check';
export {
  acknowledgeDataLoss,
  createDataMarker,
  dataMarkerKeys,
  dataMarkers,
  type DataMarker,
} from './data-marker';
