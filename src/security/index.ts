export {
  createSenderAuthenticator,
  type SenderAuthenticator,
  type SenderCheck,
  type SenderCredentials,
} from './sender-authenticator';
export {
  SCOPES,
  DEFAULT_TENANT,
  TENANT_PATTERN,
  hasScope,
  issueApiKey,
  apiKeyId,
  digestKey,
  toKeyView,
  type Scope,
  type Principal,
  type ApiKeyRecord,
  type ApiKeyView,
} from './api-key';
export { createRedisApiKeyStore, type ApiKeyStore, type ApiKeyKeys } from './api-key-store';
export {
  createKeyAuthenticator,
  type KeyAuthenticator,
  type KeyAuthenticatorDeps,
} from './key-authenticator';
export {
  createApiKeyService,
  apiKeyInputSchema,
  keyNotFound,
  type ApiKeyService,
  type ApiKeyInput,
} from './api-key-service';
export { createAddressPolicy, literalRefused, type AddressPolicy } from './address-policy';
export { createRedisSlidingWindow, type SlidingWindow } from './redis-sliding-window';
