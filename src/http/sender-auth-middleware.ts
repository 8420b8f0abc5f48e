import type { RequestHandler } from 'express';
import { AppError, unauthorized } from '../errors';
import type { SenderAuthenticator } from '../security';

/**
 * Rejects a sender whose credentials are missing or wrong (401) or lack `events:write` (403),
 * before the body is read; leaves the sender's identity and tenant in `res.locals`.
 */
export function senderAuth(authenticator: SenderAuthenticator): RequestHandler {
  return async (req, res, next) => {
    const result = await authenticator.check(req.headers.authorization);
    if (!result.ok) {
      throw result.status === 401
        ? unauthorized(result.reason, authenticator.challenge)
        : new AppError('forbidden', result.reason, { status: 403 });
    }
    res.locals.sender = result.sender;
    res.locals.tenant = result.tenant;
    next();
  };
}
