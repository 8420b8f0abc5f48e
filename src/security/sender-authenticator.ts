import { createHash, timingSafeEqual } from 'node:crypto';

export interface SenderCredentials {
  /** Accepted `Authorization: Bearer` tokens. */
  readonly tokens: readonly string[];
  /** Accepted HTTP Basic `user:password` pairs. */
  readonly basic: readonly string[];
}

export type SenderCheck =
  { readonly ok: true; readonly sender: string } | { readonly ok: false; readonly reason: string };

export interface SenderAuthenticator {
  /** True when no credentials are configured: anyone may post events. */
  readonly open: boolean;
  /** The `WWW-Authenticate` challenge to send with a 401. */
  readonly challenge: string;
  check(authorization: string | undefined): SenderCheck;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function matchesAny(candidate: string, accepted: readonly Buffer[]): boolean {
  const presented = digest(candidate);
  // Compare against every entry, in constant time each, so timing tells nothing.
  let found = false;
  for (const entry of accepted) found = timingSafeEqual(presented, entry) || found;
  return found;
}

/**
 * Checks a sender's `Authorization` header against the configured bearer tokens and Basic
 * credentials. Secrets are kept only as SHA-256 digests and compared in constant time.
 */
export function createSenderAuthenticator(credentials: SenderCredentials): SenderAuthenticator {
  const tokens = credentials.tokens.map(digest);
  const basic = credentials.basic.map(digest);
  const schemes = [
    tokens.length > 0 ? 'Bearer realm="ce-relay"' : '',
    basic.length > 0 ? 'Basic realm="ce-relay", charset="UTF-8"' : '',
  ];
  const open = tokens.length === 0 && basic.length === 0;
  return {
    open,
    challenge: schemes.filter(Boolean).join(', '),
    check(authorization) {
      if (open) return { ok: true, sender: 'anonymous' };
      if (!authorization)
        return { ok: false, reason: 'Credentials are required: send an Authorization header.' };
      const space = authorization.indexOf(' ');
      const scheme = authorization.slice(0, space === -1 ? undefined : space).toLowerCase();
      const value = space === -1 ? '' : authorization.slice(space + 1).trim();
      if (scheme === 'bearer' && tokens.length > 0 && matchesAny(value, tokens)) {
        // The sender's identity (for rate limits, logs): a digest prefix, never the token itself.
        return { ok: true, sender: `bearer:${digest(value).toString('hex').slice(0, 12)}` };
      }
      if (scheme === 'basic' && basic.length > 0) {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        if (matchesAny(decoded, basic))
          return { ok: true, sender: `basic:${decoded.slice(0, decoded.indexOf(':'))}` };
      }
      return { ok: false, reason: 'The credentials were not accepted.' };
    },
  };
}
