export type { Filter } from './filter-schema';
export { DIALECTS, filterSchema } from './filter-schema';
export { compileFilters, type EventPredicate } from './compile-filters';
export type {
  Subscription,
  SubscriptionStatus,
  SubscriptionView,
  DeliverySettings,
  SigningSecret,
  ContentMode,
} from './subscription';
export { toView } from './subscription';
export {
  subscriptionInputSchema,
  subscriptionPatchSchema,
  DEFAULT_RETRY_SCHEDULE,
  DEFAULT_DELIVERY,
} from './subscription-schema';
export type { SubscriptionStore, ListOptions, SubscriptionPage } from './subscription-store';
export { createRedisSubscriptionStore, type SubscriptionKeys } from './redis-subscription-store';
export {
  createSubscriptionService,
  subscriptionNotFound,
  type SubscriptionService,
  type SubscriptionServiceDeps,
} from './subscription-service';
export { generateSigningSecret } from './signing-secret';
