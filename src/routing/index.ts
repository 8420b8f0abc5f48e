export { SubscriptionIndex, toRoutable, type RoutableSubscription } from './subscription-index';
export {
  createSubscriptionCache,
  type SubscriptionCache,
  type SubscriptionCacheDeps,
} from './subscription-cache';
export { createEventRouter, type EventRouter, type EventRouterDeps } from './event-router';
export { createIntakeRelease } from './release-intake';
