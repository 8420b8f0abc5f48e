import express, { type RequestHandler } from 'express';
import { unsupportedMediaType } from '../errors';

/** Parses a JSON request body (up to `limit` bytes); other content types get 415. */
export function jsonBody(limit: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    next(
      req.is('application/json') || req.is('+json')
        ? undefined
        : unsupportedMediaType('Send a JSON body (Content-Type: application/json).'),
    );
  };
  return [requireJson, express.json({ limit, strict: true, type: () => true })];
}
