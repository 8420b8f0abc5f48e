import { z } from 'zod';
import { AppError, invalidInput } from '../errors';
import { issueApiKey, SCOPES, TENANT_PATTERN, toKeyView, type ApiKeyView } from './api-key';
import type { ApiKeyStore } from './api-key-store';

export const apiKeyInputSchema = z.strictObject({
  tenant: z
    .string()
    .regex(
      TENANT_PATTERN,
      'lower-case letters, digits, _ and - (1-63 characters, starting with a letter or digit)',
    ),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1, 'name at least one scope')
    .transform((scopes) => [...new Set(scopes)]),
  name: z.string().min(1).max(200).optional(),
});

export type ApiKeyInput = z.input<typeof apiKeyInputSchema>;

export interface ApiKeyService {
  /** Issues a key; the answer is the only place the key itself ever appears. */
  create(body: unknown): Promise<{ key: string; view: ApiKeyView }>;
  list(tenant?: string): Promise<ApiKeyView[]>;
  get(id: string): Promise<ApiKeyView | undefined>;
  delete(id: string): Promise<ApiKeyView | undefined>;
}

export const keyNotFound = (id: string) =>
  new AppError('key_not_found', `No API key with id ${id}.`, { status: 404 });

/** API key use cases shared by `/keys` and `npx ce-relay keys`: validation, issuing, listing. */
export function createApiKeyService(deps: {
  readonly store: ApiKeyStore;
  readonly now?: () => Date;
}): ApiKeyService {
  const now = deps.now ?? (() => new Date());
  return {
    async create(body) {
      const parsed = apiKeyInputSchema.safeParse(body);
      if (!parsed.success) throw invalidInput('invalid_key', 'API key request', parsed.error.issues);
      const { id, key, digest } = issueApiKey();
      const record = { id, ...parsed.data, digest, createdAt: now().toISOString() };
      await deps.store.create(record);
      return { key, view: toKeyView(record) };
    },
    async list(tenant) {
      return (await deps.store.list(tenant)).map(toKeyView);
    },
    async get(id) {
      const record = await deps.store.get(id);
      return record && toKeyView(record);
    },
    async delete(id) {
      const record = await deps.store.delete(id);
      return record && toKeyView(record);
    },
  };
}
