import { parseJsonBytes, percentDecodeHeader } from '../../../src/ingress/decode';

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
