import { Router, type Request } from 'express';
import { AppError } from '../errors';
import { toView, type SubscriptionService, type SubscriptionStatus } from '../subscriptions';
import { jsonBody } from './json-body';

export interface SubscriptionsRouterDeps {
  readonly service: SubscriptionService;
  readonly maxBodyBytes: number;
  /** Replays a subscription's deliveries that failed since a time (PATCH with `replayFailed: true`). */
  readonly replayFailed: (
    subscriptionId: string,
    since: number,
  ) => Promise<{ queued: number; matched: number }>;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

function listQuery(req: Request) {
  const { cursor, limit, types, status } = req.query;
  const problems = [];
  const parsedLimit = limit === undefined ? DEFAULT_LIMIT : Number(limit);
  if (!Number.isInteger(parsedLimit) || parsedLimit < 1 || parsedLimit > MAX_LIMIT) {
    problems.push({ attribute: 'limit', detail: `must be an integer from 1 to ${MAX_LIMIT}` });
  }
  if (
    status !== undefined &&
    (typeof status !== 'string' || !['active', 'paused', 'disabled'].includes(status))
  ) {
    problems.push({ attribute: 'status', detail: "must be 'active', 'paused' or 'disabled'" });
  }
  if (cursor !== undefined && typeof cursor !== 'string')
    problems.push({ attribute: 'cursor', detail: 'must be given once' });
  if (problems.length > 0)
    throw new AppError('invalid_query', 'Invalid query parameters.', { status: 400, problems });
  const typeList = [types]
    .flat()
    .filter((t): t is string => typeof t === 'string')
    .flatMap((t) => t.split(','))
    .filter((t) => t.length > 0);
  return {
    cursor: cursor as string | undefined,
    limit: parsedLimit,
    types: typeList.length > 0 ? typeList : undefined,
    status: status as SubscriptionStatus | undefined,
  };
}

/**
 * The subscriptions API, shaped after the CloudEvents Subscriptions API: create, list (cursor
 * pagination in a `Link: <...>; rel="next"` header, the body stays an array), retrieve,
 * replace, patch, delete, and secret rotation.
 */
export function createSubscriptionsRouter(deps: SubscriptionsRouterDeps): Router {
  const router = Router();
  const body = jsonBody(deps.maxBodyBytes);
  const { service } = deps;

  router.options('/subscriptions', (_req, res) => {
    res.setHeader('Allow', 'GET, POST, OPTIONS');
    res.status(204).end();
  });

  router.post('/subscriptions', ...body, async (req, res) => {
    const subscription = await service.create(req.body);
    res
      .status(201)
      .location(`/subscriptions/${encodeURIComponent(subscription.id)}`)
      .json(toView(subscription, { withSecret: true }));
  });

  router.get('/subscriptions', async (req, res) => {
    const query = listQuery(req);
    const page = await service.list(query);
    if (page.nextCursor) {
      const next = new URLSearchParams({ limit: String(query.limit), cursor: page.nextCursor });
      if (query.types) next.set('types', query.types.join(','));
      if (query.status) next.set('status', query.status);
      res.setHeader('Link', `</subscriptions?${next.toString()}>; rel="next"`);
    }
    res.json(page.items.map((s) => toView(s)));
  });

  router.get('/subscriptions/:id', async (req, res) => {
    res.json(toView(await service.get(req.params.id)));
  });

  router.put('/subscriptions/:id', ...body, async (req, res) => {
    res.json(toView(await service.replace(req.params.id as string, req.body)));
  });

  router.patch('/subscriptions/:id', ...body, async (req, res) => {
    const id = req.params.id as string;
    const { replayFailed, ...changes } = (req.body ?? {}) as { replayFailed?: unknown };
    if (replayFailed !== undefined && typeof replayFailed !== 'boolean') {
      throw new AppError('invalid_subscription', 'replayFailed must be a boolean.', {
        status: 400,
        problems: [{ attribute: 'replayFailed', detail: 'must be a boolean' }],
      });
    }
    const before = await service.get(id);
    const after = await service.patch(id, changes);
    const reenabled = before.status === 'disabled' && after.status === 'active';
    if (replayFailed && reenabled) {
      const since = Date.parse(before.failingSince ?? before.statusChangedAt);
      res.json({ ...toView(after), replay: await deps.replayFailed(id, since) });
      return;
    }
    res.json(toView(after));
  });

  router.delete('/subscriptions/:id', async (req, res) => {
    res.json(toView(await service.delete(req.params.id)));
  });

  router.post('/subscriptions/:id/rotate-secret', async (req, res) => {
    const rotated = await service.rotateSecret(req.params.id);
    res.json({
      secret: rotated.secret,
      previousSecretExpiresAt: rotated.previousSecretExpiresAt,
      subscription: toView(rotated.subscription),
    });
  });

  return router;
}
