import type { Response } from 'express';
import type { AppError } from '../errors';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Sends `error` as an RFC 9457 problem document: `type`, `title`, `status`, `detail`, plus our
 * stable `code` and, for validation errors, `problems` naming each attribute.
 */
export function sendProblem(res: Response, error: AppError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const body: Record<string, unknown> = {
    type: `https://ce-relay.dev/problems/${error.code.replace(/_/g, '-')}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    code: error.code,
  };
  if (error.problems.length > 0) body.problems = error.problems;
  res.status(error.status).type('application/problem+json').send(JSON.stringify(body));
}
