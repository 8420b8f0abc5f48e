import {
  createKeyAuthenticator,
  createSenderAuthenticator,
  issueApiKey,
  type Scope,
} from '../../../src/security';
import { InMemoryApiKeyStore } from '../../support/in-memory-api-key-store';

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

describe('createSenderAuthenticator', () => {
  const auth = createSenderAuthenticator({ tokens: ['tok-1', 'tok-2'], basic: ['ao:s3cret'] });

  it("accepts a configured bearer token or Basic pair, as the default tenant's sender", async () => {
    expect(await auth.check('Bearer tok-2')).toEqual({
      ok: true,
      sender: expect.stringMatching(/^bearer:[0-9a-f]{12}$/),
      tenant: 'default',
    });
    expect(await auth.check('Bearer tok-2')).not.toEqual(await auth.check('Bearer tok-1'));
    expect(await auth.check(basic('ao:s3cret'))).toEqual({ ok: true, sender: 'basic:ao', tenant: 'default' });
    expect(await auth.check('bearer   tok-1')).toMatchObject({ ok: true });
  });

  it('refuses missing, wrong and malformed credentials with 401', async () => {
    for (const header of [undefined, 'Bearer nope', basic('ao:wrong'), 'Basic !!!', 'Digest x', 'Bearer']) {
      expect(await auth.check(header)).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('challenges with each configured scheme', () => {
    expect(auth.challenge).toContain('Bearer');
    expect(auth.challenge).toContain('Basic');
  });

  it('is open when nothing is configured, unless credentials are required', async () => {
    const open = createSenderAuthenticator({ tokens: [], basic: [] });
    expect(open.open).toBe(true);
    expect(await open.check(undefined)).toEqual({ ok: true, sender: 'anonymous', tenant: 'default' });
    const closed = createSenderAuthenticator({ tokens: [], basic: [], requireCredentials: true });
    expect(closed.open).toBe(false);
    expect(await closed.check(undefined)).toMatchObject({ ok: false, status: 401 });
  });

  it.each([
    `Basic ${Buffer.from('ao:wrong').toString('base64')}`,
    'Bearer nonsense',
    'Basic not-base64-at-all',
    'Digest username="ao"',
  ])('refuses credentials that do not authenticate, even when open: %s', async (authorization) => {
    const open = createSenderAuthenticator({ tokens: [], basic: [] });
    expect(await open.check(authorization)).toMatchObject({ ok: false, status: 401 });
  });

  describe('with API keys', () => {
    const store = new InMemoryApiKeyStore();
    const issue = async (tenant: string, scopes: Scope[]) => {
      const { id, key, digest } = issueApiKey();
      await store.create({ id, tenant, scopes, digest, createdAt: new Date().toISOString() });
      return { id, key };
    };
    const keys = createKeyAuthenticator({ store, cacheMs: 0 });

    it('maps a key with events:write to its tenant, as bearer token or as Basic password', async () => {
      const { id, key } = await issue('acme', ['events:write']);
      const closed = createSenderAuthenticator({ tokens: ['tok-1'], basic: [] }, keys);
      const expected = { ok: true, sender: `key:${id}`, tenant: 'acme' };
      expect(await closed.check(`Bearer ${key}`)).toEqual(expected);
      expect(await closed.check(basic(`ao:${key}`))).toEqual(expected);
      expect(closed.challenge).toContain('Basic');
    });

    it('refuses a key without events:write with 403, and an unknown key with 401 even when open', async () => {
      const { key } = await issue('acme', ['subscriptions:read']);
      const open = createSenderAuthenticator({ tokens: [], basic: [] }, keys);
      expect(await open.check(`Bearer ${key}`)).toMatchObject({ ok: false, status: 403 });
      const forged = `${key.slice(0, -4)}AAAA`;
      expect(await open.check(`Bearer ${forged}`)).toMatchObject({ ok: false, status: 401 });
      expect(await open.check('Bearer not-a-key')).toMatchObject({ ok: false, status: 401 });
    });
  });
});
