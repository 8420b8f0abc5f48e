import { Agent, errors } from 'undici';
import { literalRefused, type AddressPolicy } from '../security';
import { createDeadlineSignals } from './deadline-signals';
import { memoize } from './memoize';
import type { SendResult } from './send-result';

export interface OutgoingRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | string;
  readonly timeoutMs: number;
}

/** The transport port: sends one request and reports what happened; never throws. */
export type HttpSender = (request: OutgoingRequest) => Promise<SendResult>;

const EXCERPT_BYTES = 4096;

async function readExcerpt(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= EXCERPT_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}

function errorClass(error: unknown): Extract<SendResult, { kind: 'error' }>['errorClass'] {
  const code = (error as { code?: string }).code ?? '';
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError)
    return 'timeout';
  if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') return 'timeout';
  if (code === 'EADDRNOTALLOWED') return 'blocked';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code.startsWith('ERR_TLS') || code.includes('CERT')) return 'tls';
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET'].includes(code)
  ) {
    return 'connection';
  }
  return 'other';
}

/**
 * Sends with undici through one keep-alive agent (a connection pool per origin). Redirects are
 * not followed; the whole attempt is bounded by `timeoutMs` (rounded up to the next tenth of a
 * second); at most 4 KiB of the answer is read.
 */
export function createHttpSender(options: {
  connectionsPerOrigin?: number;
  userAgent: string;
  /** Refuses non-public destinations, checked at connect time (DNS rebinding cannot slip past). */
  policy: AddressPolicy;
}): HttpSender & { close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: 30_000,
    connect: { lookup: options.policy.lookup },
  });
  // A subscription's sink is checked and parsed once, not on every attempt (the policy does not
  // change): parsing a URL costs about a third of a request's client CPU.
  const target = memoize((url) => {
    const refused = literalRefused(url, options.policy);
    const { origin, pathname, search } = new URL(url);
    return { refused, origin, path: pathname + search };
  });
  const deadline = createDeadlineSignals();
  const send: HttpSender = async (req) => {
    const started = performance.now();
    try {
      const { refused, origin, path } = target(req.url);
      if (refused) return { kind: 'error', errorClass: 'blocked', message: refused, durationMs: 0 };
      const response = await agent.request({
        origin,
        path,
        method: req.method,
        headers: Object.assign({}, req.headers, { 'user-agent': options.userAgent }),
        body: req.body,
        signal: deadline(req.timeoutMs),
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const excerpt = await readExcerpt(response.body);
      response.body.destroy();
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'response',
        status: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        excerpt,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return {
        kind: 'error',
        errorClass: errorClass(error),
        message: (error as Error).message,
        durationMs: Math.round(performance.now() - started),
      };
    }
  };
  return Object.assign(send, { close: () => agent.close() });
}
