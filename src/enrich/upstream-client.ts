import { Agent, request, type Dispatcher } from 'undici';
import type { UpstreamConfig } from '../config';
import { literalRefused, type AddressPolicy } from '../security';
import { parseRetryAfter } from '../outbound';
import { inSpan, SpanKind, SpanStatusCode } from '../tracing';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../events';
import { createOAuth2TokenProvider, type TokenProvider } from './oauth2-token-provider';
import type { UpstreamRateLimiter } from './upstream-rate-limiter';

export type FetchOutcome =
  { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly reason: string };

export interface UpstreamClient {
  readonly config: UpstreamConfig;
  /** Fetches `url` (absolute, inside the upstream's base URL) as JSON. Never throws. */
  fetch(url: string): Promise<FetchOutcome>;
  close(): Promise<void>;
}

export interface UpstreamClientDeps {
  readonly limiter: UpstreamRateLimiter;
  /** Refuses non-public upstream addresses, at connect time too. */
  readonly policy: AddressPolicy;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** First backoff delay between retries (doubled each time). */
  readonly backoffMs?: number;
  /** Logs and metrics of fetches and rate-limit waits. */
  readonly observer?: UpstreamObserver;
}

/** Told of each fetch from an upstream (not of cache hits) and each wait for its rate limit. */
export interface UpstreamObserver {
  fetched(upstream: string, outcome: FetchOutcome, durationMs: number): void;
  waited(upstream: string, ms: number): void;
}

const MAX_CACHED = 10_000;

/**
 * Reads a JSON answer of at most `maxBytes`, nested at most `MAX_JSON_DEPTH` levels (what it adds
 * to an event must pass the same bounds as the event); throws otherwise, without reading on.
 */
async function readJson(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new Error(`the answer is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new Error(`the answer nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return JSON.parse(text) as unknown;
}

/** True when `url` lies under `baseUrl` (same origin, path below the base path). */
export function isInside(url: string, baseUrl: string): boolean {
  if (!URL.canParse(url)) return false;
  const target = new URL(url);
  const base = new URL(baseUrl);
  const basePath = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return (
    target.origin === base.origin &&
    (target.pathname === base.pathname || target.pathname.startsWith(basePath))
  );
}

/**
 * One upstream API: its credentials (static, Basic, or OAuth2 client credentials with a shared
 * cached token, renewed once on a 401), its shared rate limit and 429 pause, retries with backoff
 * on 5xx, timeouts and 429, identical concurrent fetches coalesced, and a short cache.
 * A URL outside the base URL is never fetched with these credentials.
 */
export function createUpstreamClient(config: UpstreamConfig, deps: UpstreamClientDeps): UpstreamClient {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const backoffMs = deps.backoffMs ?? 250;
  const dispatcher = new Agent({ connections: 16, connect: { lookup: deps.policy.lookup } });
  const auth = config.auth;
  const tokens: TokenProvider | undefined =
    auth.kind === 'oauth2-client-credentials'
      ? createOAuth2TokenProvider(auth, {
          dispatcher,
          timeoutMs: config.timeoutMs,
          refused: (url) => literalRefused(url, deps.policy),
          now,
        })
      : undefined;
  const inFlight = new Map<string, Promise<FetchOutcome>>();
  const cache = new Map<string, { expiresAt: number; outcome: FetchOutcome }>();

  const remember = (url: string, outcome: FetchOutcome) => {
    if (cache.size >= MAX_CACHED) {
      const at = now();
      for (const [key, entry] of cache) if (entry.expiresAt <= at) cache.delete(key);
      // Still full of live entries: drop the oldest (a Map keeps insertion order).
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    }
    cache.set(url, { expiresAt: now() + config.cacheSeconds * 1000, outcome });
  };

  const authorization = async (): Promise<string | undefined> => {
    if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
    if (auth.kind === 'basic')
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (tokens) return `Bearer ${await tokens.get()}`;
    return undefined;
  };

  const waitForSlot = async () => {
    for (;;) {
      const wait = await deps.limiter.reserve(config.name, config.rateLimit);
      if (wait === 0) return;
      const ms = Math.min(wait, 5_000);
      deps.observer?.waited(config.name, ms);
      await sleep(ms);
    }
  };

  const attempt = async (
    url: string,
  ): Promise<{ status: number; body?: unknown; retryAfter?: string; token?: string } | { error: string }> => {
    await waitForSlot();
    let header: string | undefined;
    try {
      header = await authorization();
    } catch (error) {
      return { error: `no access token (${(error as Error).message})` };
    }
    try {
      const response = await request(url, {
        method: 'GET',
        headers: { accept: 'application/json', ...(header ? { authorization: header } : {}) },
        dispatcher,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const retryAfter = response.headers['retry-after'];
      const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        return {
          status: response.statusCode,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          token,
        };
      }
      return { status: response.statusCode, body: await readJson(response.body, config.maxResponseBytes) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  const fetchWithRetries = async (url: string): Promise<FetchOutcome> => {
    let renewedToken = false;
    let last = 'not attempted';
    for (let tries = 0; tries <= config.retries;) {
      const result = await attempt(url);
      if ('error' in result) {
        last = result.error;
      } else if (result.status >= 200 && result.status < 300) {
        return { ok: true, body: result.body };
      } else if (result.status === 401 && tokens && result.token && !renewedToken) {
        tokens.invalidate(result.token);
        renewedToken = true;
        continue; // a fresh token, once, does not count as a retry
      } else if (result.status === 429) {
        const waitMs = parseRetryAfter(result.retryAfter, now()) ?? backoffMs * 2 ** tries;
        await deps.limiter.pause(config.name, waitMs);
        last = `${url} answered 429`;
      } else if (result.status >= 500 || result.status === 408) {
        last = `${url} answered ${result.status}`;
      } else {
        return { ok: false, reason: `${url} answered ${result.status}` };
      }
      tries++;
      if (tries <= config.retries) await sleep(backoffMs * 2 ** (tries - 1));
    }
    return { ok: false, reason: `${last}; ${config.retries} retries used up` };
  };

  return {
    config,
    async fetch(url) {
      const refused = literalRefused(url, deps.policy);
      if (refused) return { ok: false, reason: `${url} refused: ${refused}` };
      if (!isInside(url, config.baseUrl)) {
        return {
          ok: false,
          reason: `${url} is outside ${config.baseUrl}: not fetched with ${config.name}'s credentials`,
        };
      }
      const cached = cache.get(url);
      if (cached && cached.expiresAt > now()) return cached.outcome;
      let pending = inFlight.get(url);
      if (!pending) {
        const started = now();
        const traced = inSpan(
          `ce-relay fetch ${config.name}`,
          { kind: SpanKind.CLIENT, attributes: { 'cerelay.upstream': config.name, 'url.full': url } },
          async (span) => {
            const outcome = await fetchWithRetries(url);
            if (!outcome.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
            return outcome;
          },
        );
        pending = traced.then((outcome) => {
          deps.observer?.fetched(config.name, outcome, now() - started);
          inFlight.delete(url);
          if (outcome.ok && config.cacheSeconds > 0) remember(url, outcome);
          return outcome;
        });
        inFlight.set(url, pending);
      }
      return pending;
    },
    close: () => dispatcher.close(),
  };
}
