import { isAbsoluteUri, isUriReference } from '../../../src/events/uri';

describe('URI checks (RFC 3986)', () => {
  it.each([
    'https://cloudevents.io',
    '/tenants/1/orders/fc9036ec-eb4a-496c-8c77-e972e3e800aa',
    '#fragment',
    '//authority/path',
    'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66',
    'mailto:someone@example.com',
    'relative/path?q=1',
    'http://[::1]:8080/x',
    '/contracts/contract%201',
  ])('%s is a URI-reference', (value) => expect(isUriReference(value)).toBe(true));

  it.each(['has space', 'bad%zz', '/path with<brackets>', 'http://x/é', 'a\nb'])('%s is not', (value) =>
    expect(isUriReference(value)).toBe(false),
  );

  it('absolute URIs need a scheme', () => {
    expect(isAbsoluteUri('https://cloudevents.io/dataschema')).toBe(true);
    expect(isAbsoluteUri('urn:example:schema')).toBe(true);
    expect(isAbsoluteUri('/relative/schema')).toBe(false);
    expect(isAbsoluteUri('')).toBe(false);
    expect(isAbsoluteUri('1http://x')).toBe(false);
  });
});
