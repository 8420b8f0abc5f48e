import type { RequestHandler } from 'express';
import { AppError, unauthorized } from '../errors';
import type { AdminAuthenticator } from '../security';

/** Guards the management API: the one place that decides who may manage subscriptions. */
export function adminAuth(authenticate: AdminAuthenticator): RequestHandler {
  return (req, _res, next) => {
    const result = authenticate(req.headers.authorization);
    if (result.ok) next();
    else if (result.status === 401) next(unauthorized(result.reason, 'Bearer realm="ce-relay-admin"'));
    else next(new AppError('management_api_disabled', result.reason, { status: 503 }));
  };
}
