import type { Dispatcher } from 'undici';
import { request } from 'undici';

export interface TokenProvider {
  /** A valid access token; concurrent callers share one token request. */
  get(): Promise<string>;
  /** Drops `token` (e.g. after a 401) so that the next `get` fetches a new one. */
  invalidate(token: string): void;
}

export interface ClientCredentials {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 section 4.4): the token is cached until shortly before
 * it expires (`refreshMarginMs`), and concurrent callers wait for one request.
 */
export function createOAuth2TokenProvider(
  credentials: ClientCredentials,
  options: {
    dispatcher: Dispatcher;
    timeoutMs: number;
    /** Why `tokenUrl` may not be connected to (an IP literal the dispatcher's lookup never sees). */
    refused: (url: string) => string | undefined;
    now?: () => number;
    refreshMarginMs?: number;
  },
): TokenProvider {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 30_000;
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const refused = options.refused(credentials.tokenUrl);
    if (refused) throw new Error(`${credentials.tokenUrl} refused: ${refused}`);
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentials.scope) form.set('scope', credentials.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
    ).toString('base64');
    const response = await request(credentials.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
        accept: 'application/json',
      },
      body: form.toString(),
      dispatcher: options.dispatcher,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const body = (await response.body.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (response.statusCode !== 200 || typeof body.access_token !== 'string') {
      throw new Error(`the token endpoint answered ${response.statusCode}`);
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 300) * 1000;
    cached = { token: body.access_token, expiresAt: now() + lifetimeMs };
    return body.access_token;
  };

  return {
    async get() {
      if (cached && cached.expiresAt - margin > now()) return cached.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
