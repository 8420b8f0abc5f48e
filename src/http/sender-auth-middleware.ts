import type { RequestHandler } from 'express';
import { unauthorized } from '../errors';
import type { SenderAuthenticator } from '../security';

/** Rejects a sender whose credentials are missing or wrong with 401, before the body is read. */
export function senderAuth(authenticator: SenderAuthenticator): RequestHandler {
  return (req, res, next) => {
    const result = authenticator.check(req.headers.authorization);
    if (!result.ok) {
      next(unauthorized(result.reason, authenticator.challenge));
      return;
    }
    res.locals.sender = result.sender;
    next();
  };
}
