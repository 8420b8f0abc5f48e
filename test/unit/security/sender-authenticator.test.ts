import { createSenderAuthenticator } from '../../../src/security';

const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

describe('createSenderAuthenticator', () => {
  const auth = createSenderAuthenticator({ tokens: ['tok-1', 'tok-2'], basic: ['ao:s3cret'] });

  it('accepts a configured bearer token or Basic pair', () => {
    expect(auth.check('Bearer tok-2')).toEqual({
      ok: true,
      sender: expect.stringMatching(/^bearer:[0-9a-f]{12}$/),
    });
    expect(auth.check('Bearer tok-2')).not.toEqual(auth.check('Bearer tok-1'));
    expect(auth.check(basic('ao:s3cret'))).toEqual({ ok: true, sender: 'basic:ao' });
    expect(auth.check('bearer   tok-1')).toMatchObject({ ok: true });
  });

  it('refuses missing, wrong and malformed credentials', () => {
    expect(auth.check(undefined)).toMatchObject({ ok: false });
    expect(auth.check('Bearer nope')).toMatchObject({ ok: false });
    expect(auth.check(basic('ao:wrong'))).toMatchObject({ ok: false });
    expect(auth.check('Basic !!!')).toMatchObject({ ok: false });
    expect(auth.check('Digest x')).toMatchObject({ ok: false });
    expect(auth.check('Bearer')).toMatchObject({ ok: false });
  });

  it('challenges with each configured scheme', () => {
    expect(auth.challenge).toContain('Bearer');
    expect(auth.challenge).toContain('Basic');
  });

  it('is open when nothing is configured', () => {
    const open = createSenderAuthenticator({ tokens: [], basic: [] });
    expect(open.open).toBe(true);
    expect(open.check(undefined)).toMatchObject({ ok: true });
  });
});
