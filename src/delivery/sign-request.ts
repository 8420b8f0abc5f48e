import { Webhook } from 'standardwebhooks';
import { memoize } from './memoize';

/** A signer per secret: decoding a secret costs as much as signing with it. */
const signer = memoize((secret) => new Webhook(secret));

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
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': secrets.map((secret) => signer(secret).sign(webhookId, timestamp, body)).join(' '),
  };
}
