import { verifyWebhook } from '../../examples/receiver/verify-webhook';
import type { ReceivedRequest } from './local-sink';

/** True when the delivery's signature covers its exact body bytes (the README's receiver example). */
export function verifiesOverBytes(delivery: ReceivedRequest, secret: string): boolean {
  return verifyWebhook(delivery.raw, delivery.headers, secret);
}
