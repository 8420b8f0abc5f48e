import { Router } from 'express';
import { AppError } from '../errors';
import { keyNotFound, type ApiKeyService, type KeyAuthenticator, type Principal } from '../security';
import { jsonBody } from './json-body';
import { principalOf, type ScopeGuard } from './scope-guard';

export interface KeysRouterDeps {
  readonly keys: ApiKeyService;
  /** Forgets a deleted key in this process's cache at once. */
  readonly authenticator: Pick<KeyAuthenticator, 'forget'>;
  readonly maxBodyBytes: number;
  readonly guard: ScopeGuard;
}

/** The operator's key sees every tenant's keys; a tenant's admin key only its own tenant's. */
const mayManage = (principal: Principal, tenant: string) => principal.operator || principal.tenant === tenant;

/**
 * API keys (`admin` scope): `POST /keys` issues one (the key is in that answer only), `GET /keys`
 * lists them (never the key, never its digest), `DELETE /keys/:id` revokes one.
 */
export function createKeysRouter(deps: KeysRouterDeps): Router {
  const router = Router();
  const admin = deps.guard('admin');

  router.post('/keys', admin, ...jsonBody(deps.maxBodyBytes), async (req, res) => {
    const principal = principalOf(res);
    const body = { tenant: principal.tenant, ...(req.body as object) } as { tenant: unknown };
    if (typeof body.tenant === 'string' && !mayManage(principal, body.tenant)) {
      throw new AppError('forbidden', "A tenant's admin key issues keys for its own tenant only.", {
        status: 403,
      });
    }
    const { key, view } = await deps.keys.create(body);
    res.status(201).json({ ...view, key });
  });

  router.get('/keys', admin, async (req, res) => {
    const principal = principalOf(res);
    const { tenant } = req.query;
    if (tenant !== undefined && typeof tenant !== 'string') {
      throw new AppError('invalid_query', 'Invalid query parameters.', {
        status: 400,
        problems: [{ attribute: 'tenant', detail: 'must be given once' }],
      });
    }
    res.json(await deps.keys.list(principal.operator ? tenant : principal.tenant));
  });

  router.delete('/keys/:id', admin, async (req, res) => {
    const id = req.params.id as string;
    const existing = await deps.keys.get(id);
    if (!existing || !mayManage(principalOf(res), existing.tenant)) throw keyNotFound(id);
    const deleted = await deps.keys.delete(id);
    if (!deleted) throw keyNotFound(id);
    deps.authenticator.forget(id);
    res.json(deleted);
  });

  return router;
}
