import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError, invalidCloudEvent } from '../errors';
import {
  adaptIntentPayload,
  parseCloudEventsRequest,
  parseJsonBytes,
  type AcceptResult,
  type BindingMessage,
  type EventAcceptor,
} from '../ingress';
import type { SenderAuthenticator } from '../security';
import { onAnswered, type AnsweredRequest } from './request-log';
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
  /** Told of every answered ingest request (logs and metrics). */
  readonly observe?: (report: IngestReport) => void;
}

/** An answered ingest request; a `202` also says how many events were new and how many repeats. */
export interface IngestReport extends AnsweredRequest {
  readonly accepted?: number;
  readonly duplicates?: number;
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

  const observe = deps.observe;
  const observed: RequestHandler = observe
    ? onAnswered((request, locals) => observe({ ...request, ...(locals.counts as object | undefined) }))
    : (_req, _res, next) => next();
  const answer = (res: Response, result: AcceptResult) => {
    res.locals.counts = { accepted: result.accepted, duplicates: result.duplicates };
    res.status(202).json(result);
  };

  router.options('/events', webhookHandshake(deps.handshake));

  router.post('/events', observed, open, auth, limited, rawBody, async (req, res) => {
    const { mode, events } = parseCloudEventsRequest(toMessage(req));
    answer(res, await deps.accept(events, mode, String(res.locals.tenant)));
  });

  router.post('/events/intent', observed, open, auth, limited, rawBody, async (req, res) => {
    const parsed = parseJsonBytes(toMessage(req).body);
    if (!parsed.ok) throw invalidCloudEvent([{ attribute: '(body)', detail: `the body ${parsed.reason}` }]);
    const events = adaptIntentPayload(parsed.value, { timeZone: deps.intentTimeZone });
    answer(res, await deps.accept(events, 'intent', String(res.locals.tenant)));
  });

  return router;
}
