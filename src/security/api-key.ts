import { createHash, randomBytes } from 'node:crypto';

/** What a key may do. `admin` implies every other scope (within the key's tenant). */
export const SCOPES = [
  'events:write',
  'subscriptions:read',
  'subscriptions:write',
  'deliveries:read',
  'deliveries:replay',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** The tenant of `ADMIN_API_KEY` and of `INGEST_TOKENS` / `INGEST_BASIC_CREDENTIALS` senders. */
export const DEFAULT_TENANT = 'default';
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Who is calling: a tenant and what it may do there. */
export interface Principal {
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  /** The key's id (`bootstrap` for `ADMIN_API_KEY`), for logs and rate limits; never the key. */
  readonly keyId: string;
  /** The bootstrap key: manages the keys of every tenant. */
  readonly operator: boolean;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

/** An API key as stored: its SHA-256 digest, never the key itself. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly tenant: string;
  readonly scopes: readonly Scope[];
  readonly name?: string;
  /** Hex SHA-256 of the whole key. */
  readonly digest: string;
  readonly createdAt: string;
}

/** What the API and the command line show of a key: everything but its digest. */
export type ApiKeyView = Omit<ApiKeyRecord, 'digest'>;

export function toKeyView(record: ApiKeyRecord): ApiKeyView {
  const { digest: _digest, ...view } = record;
  return view;
}

const KEY_PATTERN = /^cer_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

export function digestKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * A new key: `cer_<id>_<secret>`, 256 random bits of secret. The id (public) finds the record;
 * the whole key is checked against the stored digest. A fast hash is enough for 256 random bits.
 */
export function issueApiKey(): { id: string; key: string; digest: string } {
  const id = randomBytes(8).toString('hex');
  const key = `cer_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, digest: digestKey(key) };
}

/** The id of something shaped like an API key, or undefined. */
export function apiKeyId(candidate: string): string | undefined {
  return KEY_PATTERN.exec(candidate)?.[1];
}
