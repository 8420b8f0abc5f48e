import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, payloadTooLarge, redisUnavailable, unsupportedMediaType } from '../errors';
import { isRedisUnavailableError } from '../queues';
import { throttledWarn, type Logger } from '../logging';
import { sendProblem } from './problem-document';

/** Errors thrown by Express's body parsers carry a `type` and an HTTP `status`. */
interface BodyParserError {
  readonly type?: string;
  readonly status?: number;
  readonly limit?: number;
  readonly expose?: boolean;
  readonly message: string;
}

function fromBodyParser(error: BodyParserError): AppError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return payloadTooLarge(error.limit ?? 0);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return unsupportedMediaType(error.message);
    case 'entity.parse.failed':
      return new AppError('invalid_json', `The body is not valid JSON: ${error.message}`, { status: 400 });
    case 'request.aborted':
    case 'request.size.invalid':
    case 'entity.verify.failed':
      return new AppError('bad_request', error.message, { status: 400 });
    default:
      return error.expose && error.status && error.status < 500
        ? new AppError('bad_request', error.message, { status: error.status })
        : undefined;
  }
}

/** The one place errors become HTTP answers; unknown errors are logged and answered 500 without internals. */
export function createErrorHandler(logger: Logger, retryAfterSeconds: number): ErrorRequestHandler {
  // An outage turns every request into the same 503: log it once in a while, not per request.
  const outageWarnings = new Map<string, (error: Error) => void>();
  const warnOutage = (known: AppError) => {
    let warn = outageWarnings.get(known.code);
    if (!warn) {
      warn = throttledWarn(logger, `answering ${known.status} ${known.code}`);
      outageWarnings.set(known.code, warn);
    }
    warn(known.cause instanceof Error ? known.cause : known);
  };
  return (error: unknown, req, res, _next) => {
    const known =
      error instanceof AppError
        ? error
        : isRedisUnavailableError(error)
          ? redisUnavailable(retryAfterSeconds, error)
          : fromBodyParser(error as BodyParserError);
    if (known) {
      if (known.status >= 500) warnOutage(known);
      sendProblem(res, known);
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    sendProblem(res, new AppError('internal_error', 'An unexpected error occurred.', { status: 500 }));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, new AppError('not_found', `No route for ${req.method} ${req.path}.`, { status: 404 }));
};
