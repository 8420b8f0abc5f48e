import { createHash, timingSafeEqual } from 'node:crypto';

export type AdminCheck =
  { readonly ok: true } | { readonly ok: false; readonly status: 401 | 503; readonly reason: string };

export type AdminAuthenticator = (authorization: string | undefined) => AdminCheck;

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <key>` against the management key (kept as a digest, compared in
 * constant time). Without a configured key the management API is off: every call is refused
 * with 503 and a reason, never let through. Scoped per-tenant keys plug in here later.
 */
export function createAdminAuthenticator(adminKey: string | undefined): AdminAuthenticator {
  const expected = adminKey === undefined ? undefined : digest(adminKey);
  return (authorization) => {
    if (!expected) {
      return { ok: false, status: 503, reason: 'The management API is off: set ADMIN_API_KEY to enable it.' };
    }
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match?.[1])
      return { ok: false, status: 401, reason: 'Send the management key as Authorization: Bearer <key>.' };
    return timingSafeEqual(digest(match[1].trim()), expected)
      ? { ok: true }
      : { ok: false, status: 401, reason: 'The management key was not accepted.' };
  };
}
