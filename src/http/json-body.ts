import express, { type RequestHandler } from 'express';
import { unsupportedMediaType } from '../errors';
import { nestsDeeperThan } from '../events';

/** Nesting a management body may have: filters nest, but not this far. */
export const MAX_BODY_DEPTH = 32;

/**
 * Parses a JSON request body (up to `limit` bytes, nested at most `MAX_BODY_DEPTH` levels, which
 * is checked before parsing so that no recursive validator ever sees deeper input); other
 * content types get 415.
 */
export function jsonBody(limit: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    next(
      req.is('application/json') || req.is('+json')
        ? undefined
        : unsupportedMediaType('Send a JSON body (Content-Type: application/json).'),
    );
  };
  const verify = (_req: unknown, _res: unknown, body: Buffer) => {
    if (nestsDeeperThan(body.toString('utf8'), MAX_BODY_DEPTH)) {
      throw new Error(`The body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels.`);
    }
  };
  return [requireJson, express.json({ limit, strict: true, type: () => true, verify })];
}
