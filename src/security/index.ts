export {
  createSenderAuthenticator,
  type SenderAuthenticator,
  type SenderCheck,
  type SenderCredentials,
} from './sender-authenticator';
export { createAdminAuthenticator, type AdminAuthenticator, type AdminCheck } from './admin-authenticator';
export { createAddressPolicy, literalRefused, type AddressPolicy } from './address-policy';
export { createRedisSlidingWindow, type SlidingWindow } from './redis-sliding-window';
