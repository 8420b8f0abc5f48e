import { createHash, timingSafeEqual } from 'node:crypto';
import { apiKeyId, DEFAULT_TENANT, hasScope } from './api-key';
import type { KeyAuthenticator } from './key-authenticator';

export interface SenderCredentials {
  /** Accepted `Authorization: Bearer` tokens (senders of the default tenant). */
  readonly tokens: readonly string[];
  /** Accepted HTTP Basic `user:password` pairs (senders of the default tenant). */
  readonly basic: readonly string[];
  /** Refuse senders without credentials even when no token or pair is configured. */
  readonly requireCredentials?: boolean;
}

export type SenderCheck =
  | { readonly ok: true; readonly sender: string; readonly tenant: string }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

export interface SenderAuthenticator {
  /** True when a request without credentials is accepted (as the default tenant). */
  readonly open: boolean;
  /** The `WWW-Authenticate` challenge to send with a 401. */
  readonly challenge: string;
  check(authorization: string | undefined): Promise<SenderCheck>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function matchesAny(candidate: string, accepted: readonly Buffer[]): boolean {
  const presented = digest(candidate);
  // Compare against every entry, in constant time each, so timing tells nothing.
  let found = false;
  for (const entry of accepted) found = timingSafeEqual(presented, entry) || found;
  return found;
}

const refused = (reason: string): SenderCheck => ({ ok: false, status: 401, reason });

/**
 * Checks a sender's `Authorization` header and names its tenant. Without one, a sender is the
 * default tenant's anonymous sender when ingest is open; with one, it must authenticate.
 * Configured bearer tokens and Basic pairs are the default tenant's senders (kept as SHA-256
 * digests, compared in constant time). An API key with `events:write`, as a bearer token or as the Basic password (any user
 * name, for senders such as AO that only speak Basic), is a sender of the key's tenant.
 */
export function createSenderAuthenticator(
  credentials: SenderCredentials,
  keys?: Pick<KeyAuthenticator, 'authenticate'>,
): SenderAuthenticator {
  const tokens = credentials.tokens.map(digest);
  const basic = credentials.basic.map(digest);
  const schemes = [
    tokens.length > 0 || keys ? 'Bearer realm="ce-relay"' : '',
    basic.length > 0 || keys ? 'Basic realm="ce-relay", charset="UTF-8"' : '',
  ];
  const open = tokens.length === 0 && basic.length === 0 && !credentials.requireCredentials;

  /** A key's verdict, or undefined when `candidate` is not a key at all. */
  const asKey = async (candidate: string): Promise<SenderCheck | undefined> => {
    const principal = keys ? await keys.authenticate(candidate) : undefined;
    if (!principal) return apiKeyId(candidate) ? refused('The API key was not accepted.') : undefined;
    if (!hasScope(principal, 'events:write'))
      return { ok: false, status: 403, reason: 'This API key lacks the events:write scope.' };
    return { ok: true, sender: `key:${principal.keyId}`, tenant: principal.tenant };
  };

  const identify = async (authorization: string): Promise<SenderCheck | undefined> => {
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space === -1 ? undefined : space).toLowerCase();
    const value = space === -1 ? '' : authorization.slice(space + 1).trim();
    if (scheme === 'bearer' && value) {
      // The sender's identity (for rate limits, logs): a digest prefix, never the token itself.
      if (tokens.length > 0 && matchesAny(value, tokens))
        return {
          ok: true,
          sender: `bearer:${digest(value).toString('hex').slice(0, 12)}`,
          tenant: DEFAULT_TENANT,
        };
      return asKey(value);
    }
    if (scheme === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (basic.length > 0 && matchesAny(decoded, basic))
        return { ok: true, sender: `basic:${decoded.slice(0, colon)}`, tenant: DEFAULT_TENANT };
      return colon === -1 ? undefined : asKey(decoded.slice(colon + 1));
    }
    return undefined;
  };

  return {
    open,
    challenge: schemes.filter(Boolean).join(', '),
    async check(authorization) {
      // Credentials that were presented and do not authenticate are refused, open ingest or not:
      // a sender with a wrong password must hear so, not be taken as anonymous.
      if (authorization)
        return (await identify(authorization)) ?? refused('The credentials were not accepted.');
      if (open) return { ok: true, sender: 'anonymous', tenant: DEFAULT_TENANT };
      return refused('Credentials are required: send an Authorization header.');
    },
  };
}
