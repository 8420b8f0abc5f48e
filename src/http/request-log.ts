import type { RequestHandler } from 'express';
import type { Logger } from '../logging';

/** What a request log line says of an answered request. */
export interface AnsweredRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** The tenant of the caller, once authenticated. */
  readonly tenant?: string;
}

/** Calls `answered` once a request's answer is sent, or its connection closed before. */
export function onAnswered(
  answered: (request: AnsweredRequest, locals: Record<string, unknown>) => void,
): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const principal = res.locals.principal as { tenant?: unknown } | undefined;
      const tenant: unknown = res.locals.tenant ?? principal?.tenant;
      answered(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          ...(typeof tenant === 'string' ? { tenant } : {}),
        },
        res.locals,
      );
    });
    next();
  };
}

/** One log line per management request, at `info`. */
export function requestLog(logger: Logger): RequestHandler {
  return onAnswered((request) => logger.info(request, `${request.method} ${request.path} ${request.status}`));
}
