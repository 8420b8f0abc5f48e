import { decodeUtf8, parseJsonBytes, percentDecodeHeader, unquoteHeader } from '../../../src/ingress/decode';

describe('percentDecodeHeader', () => {
  it('decodes percent-encoded UTF-8 once', () => {
    expect(percentDecodeHeader('Caf%C3%A9 %2541')).toBe('Café %41');
  });

  it('leaves plain values alone', () => {
    expect(percentDecodeHeader('/tenants/1/orders/x')).toBe('/tenants/1/orders/x');
  });

  it('rejects malformed escapes and invalid UTF-8', () => {
    expect(percentDecodeHeader('100%')).toBeUndefined();
    expect(percentDecodeHeader('%zz')).toBeUndefined();
    expect(percentDecodeHeader('%C3%28')).toBeUndefined();
    expect(percentDecodeHeader('%FF')).toBeUndefined();
  });
});

describe('parseJsonBytes', () => {
  it('parses UTF-8 JSON', () => {
    expect(parseJsonBytes(Buffer.from('{"a":"é"}'))).toEqual({ ok: true, value: { a: 'é' } });
  });

  it('says why it cannot', () => {
    expect(parseJsonBytes(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({
      ok: false,
      reason: 'is not valid UTF-8',
    });
    expect(parseJsonBytes(Buffer.from('  '))).toEqual({ ok: false, reason: 'is empty' });
    expect(parseJsonBytes(Buffer.from('{'))).toMatchObject({ ok: false });
  });
});

describe('unquoteHeader', () => {
  it.each([
    ['plain', 'plain'],
    ['"quoted value"', 'quoted value'],
    ['"say \\"hi\\""', 'say "hi"'],
    ['"a\\\\b"', 'a\\b'],
    ['pre"fix"ed', 'prefixed'],
    ['""', ''],
  ])('unescapes %s', (raw, expected) => {
    expect(unquoteHeader(raw)).toBe(expected);
  });

  it.each(['"unterminated', '"ends in a backslash\\', 'odd"'])('refuses %s', (raw) => {
    expect(unquoteHeader(raw)).toBeUndefined();
  });
});

describe('byte order marks', () => {
  it('are kept in text and dropped before JSON', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(decodeUtf8(Buffer.concat([bom, Buffer.from('text')]))).toBe('\uFEFFtext');
    expect(parseJsonBytes(Buffer.concat([bom, Buffer.from('[1]')]))).toEqual({ ok: true, value: [1] });
  });
});

describe('JSON nesting', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  it('is parsed up to the bound and refused beyond it, without recursion', () => {
    expect(parseJsonBytes(Buffer.from(nested(64)))).toMatchObject({ ok: true });
    expect(parseJsonBytes(Buffer.from(nested(65)))).toEqual({
      ok: false,
      reason: 'nests arrays and objects deeper than 64 levels',
    });
    expect(parseJsonBytes(Buffer.from(nested(1_000_000)))).toMatchObject({ ok: false });
  });

  it('counts no brackets inside strings', () => {
    expect(parseJsonBytes(Buffer.from(JSON.stringify({ a: '[['.repeat(100), b: '\\"{' })))).toMatchObject({
      ok: true,
    });
  });
});
