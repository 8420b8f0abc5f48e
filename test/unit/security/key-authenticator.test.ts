import { createKeyAuthenticator, issueApiKey, type ApiKeyRecord } from '../../../src/security';
import { InMemoryApiKeyStore } from '../../support/in-memory-api-key-store';

describe('createKeyAuthenticator', () => {
  const store = new InMemoryApiKeyStore();
  const issued = issueApiKey();
  const record: ApiKeyRecord = {
    id: issued.id,
    tenant: 'acme',
    scopes: ['deliveries:read'],
    digest: issued.digest,
    createdAt: '2026-11-30T00:00:00.000Z',
  };

  it('knows the bootstrap key as the operator of the default tenant, with every scope', async () => {
    const auth = createKeyAuthenticator({ bootstrapKey: 'bootstrap-key-0123456789', store, cacheMs: 0 });
    expect(await auth.authenticate('bootstrap-key-0123456789')).toMatchObject({
      tenant: 'default',
      operator: true,
      scopes: expect.arrayContaining(['admin', 'events:write']),
    });
    expect(await auth.authenticate('bootstrap-key-012345678')).toBeUndefined();
  });

  it('knows a stored key by its id and digest; a key with the right id and a wrong secret is refused', async () => {
    await store.create(record);
    const auth = createKeyAuthenticator({ store, cacheMs: 0 });
    expect(await auth.authenticate(issued.key)).toEqual({
      tenant: 'acme',
      scopes: ['deliveries:read'],
      keyId: issued.id,
      operator: false,
    });
    expect(
      await auth.authenticate(`${issued.key.slice(0, -1)}${issued.key.endsWith('A') ? 'B' : 'A'}`),
    ).toBeUndefined();
  });

  it('remembers a record for cacheMs, unless told to forget it', async () => {
    let now = 0;
    await store.create(record);
    const auth = createKeyAuthenticator({ store, cacheMs: 1_000, now: () => now });
    expect(await auth.authenticate(issued.key)).toBeDefined();
    await store.delete(record.id);
    expect(await auth.authenticate(issued.key)).toBeDefined();
    now = 1_001;
    expect(await auth.authenticate(issued.key)).toBeUndefined();

    await store.create(record);
    now = 2_500;
    expect(await auth.authenticate(issued.key)).toBeDefined();
    await store.delete(record.id);
    auth.forget(record.id);
    expect(await auth.authenticate(issued.key)).toBeUndefined();
  });
});
