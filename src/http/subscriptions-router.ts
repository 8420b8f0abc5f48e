import { Router, type Request } from 'express';
import { AppError } from '../errors';
import { hasScope } from '../security';
import { toView, type SubscriptionService, type SubscriptionStatus } from '../subscriptions';
import { jsonBody } from './json-body';
import { forbidden, principalOf, type ScopeGuard } from './scope-guard';

export interface SubscriptionsRouterDeps {
  readonly service: SubscriptionService;
  readonly maxBodyBytes: number;
  readonly guard: ScopeGuard;
  /** Replays a subscription's deliveries that failed since a time (PATCH with `replayFailed: true`). */
  readonly replayFailed: (
    tenant: string,
    subscriptionId: string,
    since: number,
  ) => Promise<{ queued: number; matched: number }>;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

function listQuery(req: Request, tenant: string) {
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
    tenant,
    cursor: cursor as string | undefined,
    limit: parsedLimit,
    types: typeList.length > 0 ? typeList : undefined,
    status: status as SubscriptionStatus | undefined,
  };
}

/**
 * The subscriptions API, shaped after the CloudEvents Subscriptions API: create, list (cursor
 * pagination in a `Link: <...>; rel="next"` header, the body stays an array), retrieve,
 * replace, patch, delete, and secret rotation. Each route needs its scope and sees only the
 * caller's tenant.
 */
export function createSubscriptionsRouter(deps: SubscriptionsRouterDeps): Router {
  const router = Router();
  const body = jsonBody(deps.maxBodyBytes);
  const { service, guard } = deps;
  const read = guard('subscriptions:read');
  const write = guard('subscriptions:write');

  router.options('/subscriptions', (_req, res) => {
    res.setHeader('Allow', 'GET, POST, OPTIONS');
    res.status(204).end();
  });

  router.post('/subscriptions', write, ...body, async (req, res) => {
    const subscription = await service.create(principalOf(res).tenant, req.body);
    res
      .status(201)
      .location(`/subscriptions/${encodeURIComponent(subscription.id)}`)
      .json(toView(subscription, { withSecret: true }));
  });

  router.get('/subscriptions', read, async (req, res) => {
    const query = listQuery(req, principalOf(res).tenant);
    const page = await service.list(query);
    if (page.nextCursor) {
      const next = new URLSearchParams({ limit: String(query.limit), cursor: page.nextCursor });
      if (query.types) next.set('types', query.types.join(','));
      if (query.status) next.set('status', query.status);
      res.setHeader('Link', `</subscriptions?${next.toString()}>; rel="next"`);
    }
    res.json(page.items.map((s) => toView(s)));
  });

  router.get('/subscriptions/:id', read, async (req, res) => {
    res.json(toView(await service.get(principalOf(res).tenant, req.params.id as string)));
  });

  router.put('/subscriptions/:id', write, ...body, async (req, res) => {
    res.json(toView(await service.replace(principalOf(res).tenant, req.params.id as string, req.body)));
  });

  router.patch('/subscriptions/:id', write, ...body, async (req, res) => {
    const id = req.params.id as string;
    const principal = principalOf(res);
    const { replayFailed, discardHeld, ...changes } = (req.body ?? {}) as {
      replayFailed?: unknown;
      discardHeld?: unknown;
      status?: unknown;
    };
    for (const [attribute, value] of Object.entries({ replayFailed, discardHeld })) {
      if (value !== undefined && typeof value !== 'boolean') {
        throw new AppError('invalid_subscription', `${attribute} must be a boolean.`, {
          status: 400,
          problems: [{ attribute, detail: 'must be a boolean' }],
        });
      }
    }
    if (discardHeld === true && changes.status !== 'active') {
      throw new AppError('invalid_subscription', 'discardHeld goes with status: active.', {
        status: 400,
        problems: [{ attribute: 'discardHeld', detail: "applies only with status: 'active'" }],
      });
    }
    if (replayFailed && !hasScope(principal, 'deliveries:replay')) throw forbidden('deliveries:replay');
    const before = await service.get(principal.tenant, id);
    const after = await service.patch(principal.tenant, id, changes, { discardHeld: discardHeld === true });
    const reenabled = before.status === 'disabled' && after.status === 'active';
    if (replayFailed && reenabled) {
      const since = Date.parse(before.failingSince ?? before.statusChangedAt);
      res.json({ ...toView(after), replay: await deps.replayFailed(principal.tenant, id, since) });
      return;
    }
    res.json(toView(after));
  });

  router.delete('/subscriptions/:id', write, async (req, res) => {
    res.json(toView(await service.delete(principalOf(res).tenant, req.params.id as string)));
  });

  router.post('/subscriptions/:id/rotate-secret', write, async (req, res) => {
    const rotated = await service.rotateSecret(principalOf(res).tenant, req.params.id as string);
    res.json({
      secret: rotated.secret,
      previousSecretExpiresAt: rotated.previousSecretExpiresAt,
      subscription: toView(rotated.subscription),
    });
  });

  return router;
}
