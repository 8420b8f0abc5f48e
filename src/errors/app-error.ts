/** One problem found in a request, naming the attribute or field it concerns. */
export interface Problem {
  /** The attribute, header or field the problem is about (e.g. `time`, `events[2].id`). */
  readonly attribute: string;
  readonly detail: string;
}

export interface AppErrorOptions {
  /** HTTP status the error maps to at the edge. */
  readonly status: number;
  readonly problems?: readonly Problem[];
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

/**
 * An expected failure with a stable snake_case `code` and an HTTP status.
 * The error middleware turns it into an RFC 9457 problem document.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly problems: readonly Problem[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: string, message: string, options: AppErrorOptions) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status;
    this.problems = options.problems ?? [];
    this.headers = options.headers ?? {};
  }
}

export function invalidCloudEvent(problems: readonly Problem[]): AppError {
  const first = problems[0];
  const message =
    problems.length === 1 && first
      ? `Invalid CloudEvent: ${first.attribute}: ${first.detail}`
      : `Invalid CloudEvent: ${problems.length} problems`;
  return new AppError('invalid_cloudevent', message, { status: 400, problems });
}

export function unsupportedMediaType(detail: string): AppError {
  return new AppError('unsupported_media_type', detail, { status: 415 });
}

export function payloadTooLarge(limitBytes: number): AppError {
  return new AppError('payload_too_large', `The request body is larger than ${limitBytes} bytes.`, {
    status: 413,
  });
}

export function unauthorized(detail: string, challenge: string): AppError {
  return new AppError('unauthorized', detail, { status: 401, headers: { 'WWW-Authenticate': challenge } });
}

export function redisUnavailable(retryAfterSeconds: number, cause?: unknown): AppError {
  return new AppError(
    'redis_unavailable',
    'The event store did not confirm in time (unreachable or too slow): what was sent may or may not have been taken. Retry with the same events; repeats are recognised.',
    { status: 503, headers: { 'Retry-After': String(retryAfterSeconds) }, cause },
  );
}
