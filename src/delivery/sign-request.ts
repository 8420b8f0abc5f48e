import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { memoize } from './memoize';

const SECRET_PREFIX = 'whsec_';

/**
 * The HMAC key a Standard Webhooks secret stands for: the base64 after `whsec_`, decoded.
 * Signing goes through Node's crypto (OpenSSL), several times faster on every attempt than
 * `standardwebhooks`' pure-JavaScript SHA-256; the tests hold the two to the same signatures.
 */
export function signingKey(secret: string): KeyObject {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  if (key.length === 0) throw new Error('a signing secret must not be empty');
  return createSecretKey(key);
}

/**
 * Standard Webhooks headers for one attempt: the delivery's `webhook-id` (the same for every
 * attempt), the timestamp, and one `v1,` signature per secret (several during a rotation): the
 * base64 HMAC-SHA256 of `id.timestamp.` followed by the body's exact bytes.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export function signRequest(
  webhookId: string,
  body: Uint8Array | string,
  secrets: readonly string[],
  now: Date,
  keyOf: (secret: string) => KeyObject = signingKey,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const prefix = `${webhookId}.${timestamp}.`;
  const sign = (secret: string) =>
    createHmac('sha256', keyOf(secret)).update(prefix).update(body).digest('base64');
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': timestamp,
    'webhook-signature': secrets.map((secret) => `v1,${sign(secret)}`).join(' '),
  };
}

/**
 * `signRequest` that keeps one key per secret, so that each secret is decoded once, not on
 * every attempt (a worker signs with the same few secrets again and again).
 */
export function createRequestSigner(): typeof signRequest {
  const keyOf = memoize(signingKey);
  return (webhookId, body, secrets, now) => signRequest(webhookId, body, secrets, now, keyOf);
}
