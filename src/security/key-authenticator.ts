import { timingSafeEqual } from 'node:crypto';
import { apiKeyId, digestKey, SCOPES, DEFAULT_TENANT, type ApiKeyRecord, type Principal } from './api-key';
import type { ApiKeyStore } from './api-key-store';

export interface KeyAuthenticator {
  /** The principal of a key (`ADMIN_API_KEY` or a stored key), or undefined when it is not one. */
  authenticate(key: string): Promise<Principal | undefined>;
  /** Forgets a cached key at once (this process deleted it). */
  forget(id: string): void;
}

export interface KeyAuthenticatorDeps {
  /** `ADMIN_API_KEY`: the operator's bootstrap key (default tenant, every scope, every tenant's keys). */
  readonly bootstrapKey?: string;
  readonly store: Pick<ApiKeyStore, 'get'>;
  /** How long a looked-up key (or its absence) is remembered; a deleted key works this long at most elsewhere. */
  readonly cacheMs: number;
  readonly now?: () => number;
}

const MAX_CACHED = 10_000;

const sameDigest = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

/**
 * Checks keys: the bootstrap key against its digest, a stored key (`cer_<id>_...`) by its id and
 * then its digest, both in constant time. Records are cached briefly so that a busy sender does
 * not cost a Redis round trip per request.
 */
export function createKeyAuthenticator(deps: KeyAuthenticatorDeps): KeyAuthenticator {
  const now = deps.now ?? Date.now;
  const bootstrap = deps.bootstrapKey === undefined ? undefined : digestKey(deps.bootstrapKey);
  const cache = new Map<string, { record: ApiKeyRecord | undefined; until: number }>();

  const lookup = async (id: string) => {
    const cached = cache.get(id);
    if (cached && cached.until > now()) return cached.record;
    const record = await deps.store.get(id);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(id, { record, until: now() + deps.cacheMs });
    return record;
  };

  return {
    async authenticate(key) {
      const digest = digestKey(key);
      if (bootstrap !== undefined && sameDigest(digest, bootstrap)) {
        return { tenant: DEFAULT_TENANT, scopes: [...SCOPES], keyId: 'bootstrap', operator: true };
      }
      const id = apiKeyId(key);
      if (id === undefined) return undefined;
      const record = await lookup(id);
      if (!record || !sameDigest(digest, record.digest)) return undefined;
      return { tenant: record.tenant, scopes: record.scopes, keyId: record.id, operator: false };
    },
    forget(id) {
      cache.delete(id);
    },
  };
}
