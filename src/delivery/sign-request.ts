import { Webhook } from 'standardwebhooks';
import { memoize } from './memoize';

/**
 * Standard Webhooks headers for one attempt: the delivery's `webhook-id` (the same for every
 * attempt), the timestamp, and one `v1,` signature per secret (several during a rotation).
 * @see ../shared/specs/standard-webhooks/standard-webhooks.md
 */
export function signRequest(
  webhookId: string,
  body: string,
  secrets: readonly string[],
  now: Date,
  signer: (secret: string) => Webhook = (secret) => new Webhook(secret),
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': secrets.map((secret) => signer(secret).sign(webhookId, timestamp, body)).join(' '),
  };
}

/**
 * `signRequest` that keeps one signer per secret, so that each secret is decoded once, not on
 * every attempt (a worker signs with the same few secrets again and again).
 */
export function createRequestSigner(): typeof signRequest {
  const signer = memoize((secret) => new Webhook(secret));
  return (webhookId, body, secrets, now) => signRequest(webhookId, body, secrets, now, signer);
}
