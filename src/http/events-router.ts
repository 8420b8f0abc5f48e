import express, { Router, type Request, type RequestHandler } from 'express';
import { AppError, invalidCloudEvent } from '../errors';
import {
  adaptIntentPayload,
  parseCloudEventsRequest,
  parseJsonBytes,
  type BindingMessage,
  type EventAcceptor,
} from '../ingress';
import type { SenderAuthenticator } from '../security';
import { senderAuth } from './sender-auth-middleware';
import { webhookHandshake, type WebhookHandshakeOptions } from './webhook-handshake';

export interface EventsRouterDeps {
  readonly accept: EventAcceptor;
  readonly authenticator: SenderAuthenticator;
  readonly maxBodyBytes: number;
  readonly intentTimeZone: string;
  readonly handshake: WebhookHandshakeOptions;
  /** Ms the sender must wait (0: go now); absent when ingest has no rate limit. */
  readonly rateLimit?: (sender: string) => Promise<number>;
  /** False once shutdown began: new events are refused with 503 so that senders retry elsewhere. */
  readonly accepting?: () => boolean;
  readonly retryAfterSeconds?: number;
}

function toMessage(req: Request): BindingMessage {
  return { headers: req.headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) };
}

/**
 * `POST /events` (CloudEvents HTTP binding: binary, structured, batched), `OPTIONS /events`
 * (webhook handshake) and `POST /events/intent` (intent's native payloads).
 * The body is read raw, so the exact bytes reach the parser.
 */
export function createEventsRouter(deps: EventsRouterDeps): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: deps.maxBodyBytes });
  const auth = senderAuth(deps.authenticator);
  const limited: RequestHandler = async (_req, res, next) => {
    const waitMs = deps.rateLimit ? await deps.rateLimit(String(res.locals.sender)) : 0;
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new AppError('rate_limited', `Too many requests from this sender; retry in ${seconds} s.`, {
        status: 429,
        headers: { 'Retry-After': String(seconds) },
      });
    }
    next();
  };
  const open: RequestHandler = (_req, _res, next) => {
    if (deps.accepting?.() === false) {
      next(
        new AppError('shutting_down', 'ce-relay is shutting down and takes no new events; retry shortly.', {
          status: 503,
          headers: { 'Retry-After': String(deps.retryAfterSeconds ?? 5) },
        }),
      );
      return;
    }
    next();
  };

  router.options('/events', webhookHandshake(deps.handshake));

  router.post('/events', open, auth, limited, rawBody, async (req, res) => {
    const { mode, events } = parseCloudEventsRequest(toMessage(req));
    res.status(202).json(await deps.accept(events, mode, String(res.locals.tenant)));
  });

  router.post('/events/intent', open, auth, limited, rawBody, async (req, res) => {
    const parsed = parseJsonBytes(toMessage(req).body);
    if (!parsed.ok) throw invalidCloudEvent([{ attribute: '(body)', detail: `the body ${parsed.reason}` }]);
    const events = adaptIntentPayload(parsed.value, { timeZone: deps.intentTimeZone });
    res.status(202).json(await deps.accept(events, 'intent', String(res.locals.tenant)));
  });

  return router;
}
