export {
  createSenderAuthenticator,
  type SenderAuthenticator,
  type SenderCheck,
  type SenderCredentials,
} from './sender-authenticator';
