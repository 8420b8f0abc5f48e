import type { RequestHandler, Response } from 'express';
import { AppError, unauthorized } from '../errors';
import { hasScope, type KeyAuthenticator, type Principal, type Scope } from '../security';

/** Builds the guard of a management route: a valid key that holds `scope`. */
export type ScopeGuard = (scope: Scope) => RequestHandler;

const CHALLENGE = 'Bearer realm="ce-relay-admin"';

export function forbidden(scope: Scope): AppError {
  return new AppError('forbidden', `This API key lacks the ${scope} scope.`, { status: 403 });
}

/**
 * The one place that decides who may use the management API: no key or an unknown key is a
 * 401, a key without the route's scope a 403. The caller's principal (tenant, scopes) is left
 * in `res.locals` for the handlers, which touch only that tenant's data.
 */
export function scopeGuard(keys: Pick<KeyAuthenticator, 'authenticate'>): ScopeGuard {
  return (scope) => async (req, res, next) => {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const key = match?.[1]?.trim();
    if (!key) {
      throw unauthorized(
        'Send an API key as Authorization: Bearer <key> (create one with `npx ce-relay keys create`, or use ADMIN_API_KEY).',
        CHALLENGE,
      );
    }
    const principal = await keys.authenticate(key);
    if (!principal) throw unauthorized('The API key was not accepted.', CHALLENGE);
    if (!hasScope(principal, scope)) throw forbidden(scope);
    res.locals.principal = principal;
    next();
  };
}

/** The principal a scope guard let through. */
export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}
