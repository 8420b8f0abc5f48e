import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  DELIVERY_STATUSES,
  deliveryId,
  deliveryNotFound,
  FINAL_STATUSES,
  type BlockedKeys,
  type DeliveryReads,
  type ReplayService,
} from '../delivery';
import { AppError, problemsFromZod } from '../errors';
import { EVENT_KEY_FORMAT, type EventRecordStore } from '../events';
import { DELIVERY_ID_FORMAT } from '../delivery';
import type { SubscriptionService } from '../subscriptions';
import { jsonBody } from './json-body';
import { principalOf, type ScopeGuard } from './scope-guard';

export interface DeliveriesRouterDeps {
  readonly deliveries: DeliveryReads;
  readonly events: Pick<EventRecordStore, 'get'>;
  readonly replay: ReplayService;
  readonly blocked: BlockedKeys;
  readonly subscriptions: SubscriptionService;
  readonly maxBodyBytes: number;
  readonly guard: ScopeGuard;
}

const time = z.iso
  .datetime({ offset: true, error: 'must be an RFC 3339 date-time' })
  .transform((v) => Date.parse(v));

const listQuerySchema = z.strictObject({
  subscription: z.string().min(1).optional(),
  status: z.enum(DELIVERY_STATUSES).optional(),
  since: time.optional(),
  until: time.optional(),
  eventId: z.string().min(1).optional(),
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const bulkReplaySchema = z.strictObject({
  status: z.enum(FINAL_STATUSES).default('failed'),
  since: time.optional(),
  until: time.optional(),
});

function parse<T extends z.ZodType>(schema: T, value: unknown, code: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError(code, 'Invalid request.', {
    status: 400,
    problems: problemsFromZod(result.error.issues),
  });
}

const eventNotFound = (key: string) =>
  new AppError('event_not_found', `No stored event with key ${key}.`, { status: 404 });

function nextLink(req: Request, cursor: string): string {
  const params = new URLSearchParams(req.query as Record<string, string>);
  params.set('cursor', cursor);
  return `<${req.baseUrl}${req.path}?${params.toString()}>; rel="next"`;
}

/**
 * An id from a path, refused as not found unless it has its kind's shape: never looked up in
 * Redis otherwise.
 */
function wellFormed(id: unknown, format: RegExp, notFound: (id: string) => Error): string {
  if (typeof id !== 'string' || !format.test(id)) throw notFound(String(id));
  return id;
}

/**
 * Delivery records and replays: `GET /deliveries`, `GET /deliveries/:id` (with attempts and the
 * event), `POST /deliveries/:id/replay`, `POST /subscriptions/:id/replay`, `GET /events/:key`,
 * and an ordered subscription's blocked keys: `GET /subscriptions/:id/blocked-keys`,
 * `POST /deliveries/:id/skip`.
 * Each sees only the caller's tenant: another tenant's id is answered as not found.
 */
export function createDeliveriesRouter(deps: DeliveriesRouterDeps): Router {
  const router = Router();
  const body = jsonBody(deps.maxBodyBytes);
  const read = deps.guard('deliveries:read');
  const replay = deps.guard('deliveries:replay');

  router.get('/deliveries', read, async (req, res) => {
    const query = parse(listQuerySchema, req.query, 'invalid_query');
    const tenant = principalOf(res).tenant;
    const page = await deps.deliveries.list({ ...query, tenant, subscriptionId: query.subscription });
    if (page.nextCursor) res.setHeader('Link', nextLink(req, page.nextCursor));
    res.json(page.items);
  });

  router.get('/deliveries/:id', read, async (req, res) => {
    const record = await deps.deliveries.get(wellFormed(req.params.id, DELIVERY_ID_FORMAT, deliveryNotFound));
    if (record?.tenant !== principalOf(res).tenant) throw deliveryNotFound(req.params.id as string);
    const [attempts, stored] = await Promise.all([
      deps.deliveries.attempts(record.id),
      deps.events.get(record.eventKey),
    ]);
    res.json({ ...record, attempts, event: stored?.event ?? null });
  });

  router.post('/deliveries/:id/replay', replay, async (req, res) => {
    const id = wellFormed(req.params.id, DELIVERY_ID_FORMAT, deliveryNotFound);
    res.status(202).json(await deps.replay.replayOne(principalOf(res).tenant, id));
  });

  router.post('/subscriptions/:id/replay', replay, ...body, async (req, res) => {
    const query = parse(bulkReplaySchema, req.body, 'invalid_replay');
    const { tenant } = principalOf(res);
    const subscription = await deps.subscriptions.get(tenant, req.params.id as string);
    res.status(202).json(await deps.replay.replayBulk(subscription.id, { ...query, tenant }));
  });

  router.get('/subscriptions/:id/blocked-keys', read, async (req, res) => {
    const subscription = await deps.subscriptions.get(principalOf(res).tenant, req.params.id as string);
    const blocked = await deps.blocked.list(subscription.id);
    const heads = await Promise.all(
      blocked.map(({ eventKey }) => deps.deliveries.get(deliveryId(eventKey, subscription.id))),
    );
    res.json(blocked.map(({ orderingKey }, i) => ({ orderingKey, delivery: heads[i] ?? null })));
  });

  router.post('/deliveries/:id/skip', replay, async (req, res) => {
    const id = wellFormed(req.params.id, DELIVERY_ID_FORMAT, deliveryNotFound);
    const record = await deps.deliveries.get(id);
    if (record?.tenant !== principalOf(res).tenant) throw deliveryNotFound(id);
    if (!(await deps.blocked.skip(record.subscriptionId, record.eventKey))) {
      throw new AppError('delivery_not_blocking', `Delivery ${id} does not block its ordering key.`, {
        status: 409,
      });
    }
    res.json({ id, skipped: true });
  });

  router.get('/events/:key', read, async (req, res) => {
    const stored = await deps.events.get(wellFormed(req.params.key, EVENT_KEY_FORMAT, eventNotFound));
    if (stored?.tenant !== principalOf(res).tenant) throw eventNotFound(req.params.key as string);
    res.json({ ...stored, deliveries: await deps.deliveries.forEvent(stored.key) });
  });

  return router;
}
