import { Agent, request } from 'undici';
import { AppError } from '../errors';
import type { AddressPolicy } from '../security';
import type { Subscription } from '../subscriptions';

/**
 * The CloudEvents webhook validation handshake, run against a new subscription's sink when its
 * `delivery.handshake` is set: `OPTIONS` with `WebHook-Request-Origin`; the sink must answer 2xx
 * with `WebHook-Allowed-Origin` set to our origin or `*`. Otherwise the subscription is refused.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/http-webhook.md#4-abuse-protection
 */
export function createWebhookHandshake(options: {
  origin: string;
  timeoutMs: number;
  policy: AddressPolicy;
}) {
  const agent = new Agent({ connections: 4, connect: { lookup: options.policy.lookup } });
  const refuse = (detail: string) =>
    new AppError('handshake_failed', `The sink refused the webhook handshake: ${detail}`, {
      status: 400,
      problems: [{ attribute: 'sink', detail }],
    });
  return async (subscription: Subscription): Promise<void> => {
    if (!subscription.delivery.handshake) return;
    let status: number;
    let allowed: string | string[] | undefined;
    try {
      const response = await request(subscription.sink, {
        method: 'OPTIONS',
        headers: { 'webhook-request-origin': options.origin, 'webhook-request-rate': '120' },
        dispatcher: agent,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await response.body.dump();
      status = response.statusCode;
      allowed = response.headers['webhook-allowed-origin'];
    } catch (error) {
      throw refuse(`OPTIONS ${subscription.sink} failed (${(error as Error).message})`);
    }
    if (status < 200 || status >= 300) throw refuse(`OPTIONS answered ${status}`);
    const origin = Array.isArray(allowed) ? allowed[0] : allowed;
    if (origin !== '*' && origin !== options.origin) {
      throw refuse(
        `WebHook-Allowed-Origin is ${origin === undefined ? 'missing' : `"${origin}"`}, not "${options.origin}" or "*"`,
      );
    }
  };
}
