export {
  createOAuth2TokenProvider,
  type TokenProvider,
  type ClientCredentials,
} from './oauth2-token-provider';
export { createRedisUpstreamRateLimiter, type UpstreamRateLimiter } from './upstream-rate-limiter';
export {
  createUpstreamClient,
  isInside,
  type UpstreamClient,
  type FetchOutcome,
  type UpstreamClientDeps,
  type UpstreamObserver,
} from './upstream-client';
export { createEnricher, type Enricher, type EnrichResult } from './enrich-event';
