import type { RequestHandler } from 'express';
import { AppError } from '../errors';

export interface WebhookHandshakeOptions {
  /** Origins granted; empty grants any origin. */
  readonly allowedOrigins: readonly string[];
  /** `WebHook-Allowed-Rate`: requests per minute, or `*`. */
  readonly allowedRate: string;
}

/**
 * Answers the CloudEvents webhook abuse-protection handshake: an `OPTIONS` request with
 * `WebHook-Request-Origin` is granted with `WebHook-Allowed-Origin` and `WebHook-Allowed-Rate`.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/http-webhook.md#4-abuse-protection
 */
export function webhookHandshake(options: WebhookHandshakeOptions): RequestHandler {
  return (req, res, next) => {
    res.setHeader('Allow', 'POST, OPTIONS');
    const origin = req.get('webhook-request-origin');
    if (!origin) {
      next(
        new AppError('bad_request', 'The handshake needs a WebHook-Request-Origin header.', { status: 400 }),
      );
      return;
    }
    const granted = options.allowedOrigins.length === 0 || options.allowedOrigins.includes(origin);
    if (!granted) {
      next(new AppError('forbidden', `Origin ${origin} may not send events here.`, { status: 403 }));
      return;
    }
    res.setHeader('WebHook-Allowed-Origin', options.allowedOrigins.length === 0 ? '*' : origin);
    res.setHeader('WebHook-Allowed-Rate', options.allowedRate);
    res.status(200).end();
  };
}
