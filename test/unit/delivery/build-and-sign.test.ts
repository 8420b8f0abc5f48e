import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  buildRequest,
  createRequestBuilder,
  createRequestSigner,
  percentEncodeHeader,
  signRequest,
} from '../../../src/delivery';
import type { CloudEvent } from '../../../src/events';
import { aoStatusChangedEvent } from '../../fixtures/seed-events';

const event = aoStatusChangedEvent({ subject: 'Café "ü" 100%', priority: 3 }) as CloudEvent;

describe('buildRequest', () => {
  it('structured mode sends the event as JSON with the CloudEvents content type', () => {
    const message = buildRequest(event, 'structured');
    expect(message.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.parse(message.body.toString('utf8'))).toEqual(event);
  });

  it('binary mode percent-encodes header values and stringifies extensions', () => {
    const message = buildRequest(event, 'binary');
    expect(message.headers['ce-subject']).toBe('Caf%C3%A9%20%22%C3%BC%22%20100%25');
    expect(message.headers['ce-priority']).toBe('3');
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers['ce-time']).toBe(event.time);
    expect(JSON.parse(message.body.toString('utf8'))).toEqual(event.data);
    for (const value of Object.values(message.headers)) expect(value).toMatch(/^[\x21-\x7e ;=/+.-]*$/);
  });

  const base = { specversion: '1.0', id: 'e', source: '/s', type: 't' } as const;
  const bytes = Buffer.from([0, 0x80, 0xff, 0xfe]);
  it.each([
    [
      'bytes with their type',
      { datacontenttype: 'image/png', data_base64: bytes.toString('base64') },
      'image/png',
      bytes,
    ],
    ['bytes without a type', { data_base64: bytes.toString('base64') }, undefined, bytes],
    ['a JSON string', { datacontenttype: 'application/json', data: 'hi' }, 'application/json', '"hi"'],
    ['a JSON number', { datacontenttype: 'application/json', data: 42 }, 'application/json', '42'],
    ['JSON false', { data: false }, 'application/json', 'false'],
    ['JSON null', { data: null }, 'application/json', 'null'],
    [
      'a +json object',
      { datacontenttype: 'application/vnd.a+json', data: { a: [1] } },
      'application/vnd.a+json',
      '{"a":[1]}',
    ],
    [
      'text',
      { datacontenttype: 'text/plain; charset=utf-8', data: 'grüße\uFEFF' },
      'text/plain; charset=utf-8',
      'grüße\uFEFF',
    ],
    ['no data with a type', { datacontenttype: 'text/plain' }, 'text/plain', ''],
    ['no data at all', {}, undefined, ''],
  ])('binary mode sends %s as received', (_label, fields, contentType, body) => {
    const message = buildRequest({ ...base, ...fields }, 'binary');
    expect(message.headers['content-type']).toBe(contentType);
    expect(message.body.equals(Buffer.isBuffer(body) ? body : Buffer.from(body))).toBe(true);
  });

  it('binary mode writes each attribute as received, extensions in their canonical strings', () => {
    const time = '2026-03-29T02:30:00.123456789+02:00';
    const message = buildRequest({ ...base, time, flag: true, count: -2147483648 }, 'binary');
    expect(message.headers).toEqual({
      'ce-specversion': '1.0',
      'ce-id': 'e',
      'ce-source': '/s',
      'ce-type': 't',
      'ce-time': time,
      'ce-flag': 'true',
      'ce-count': '-2147483648',
    });
  });

  it('refuses to send non-string data under a content type that is not JSON', () => {
    const event = { ...base, datacontenttype: 'text/plain', data: { a: 1 } } as CloudEvent;
    expect(() => buildRequest(event, 'binary')).toThrow('data under text/plain must be a string, not object');
  });

  it('percentEncodeHeader leaves printable ASCII alone', () => {
    expect(percentEncodeHeader('/tenants/1/orders/x?y=z')).toBe('/tenants/1/orders/x?y=z');
  });
});

describe('createRequestBuilder', () => {
  it('serializes an event object once per content mode, and another object anew', () => {
    const build = createRequestBuilder();
    const structured = build(event, 'structured');
    expect(build(event, 'structured')).toBe(structured);
    expect(structured).toEqual(buildRequest(event, 'structured'));
    const binary = build(event, 'binary');
    expect(binary).not.toBe(structured);
    expect(binary).toEqual(buildRequest(event, 'binary'));
    const other = { ...event, id: 'another-id' };
    expect(JSON.parse(build(other, 'structured').body.toString('utf8'))).toMatchObject({ id: 'another-id' });
  });
});

describe('signRequest', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it('signs id.timestamp.body with HMAC-SHA256 of the decoded secret', () => {
    const headers = signRequest('msg_1', '{"a":1}', [secret], new Date(1_700_000_000_500));
    expect(headers['webhook-timestamp']).toBe('1700000000');
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update('msg_1.1700000000.{"a":1}')
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('carries one signature per secret during a rotation, each verifiable', () => {
    const other = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const now = new Date();
    const body = '{"n":1}';
    const headers = signRequest('msg_2', body, [other, secret], now);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify(body, headers)).toEqual({ n: 1 });
    expect(new Webhook(other).verify(body, headers)).toEqual({ n: 1 });
    expect(() =>
      new Webhook('whsec_' + Buffer.alloc(32, 9).toString('base64')).verify(body, headers),
    ).toThrow();
  });

  it("signs exactly as standardwebhooks' own sign does, whatever the secret, id, time or body", () => {
    const secrets = [
      'whsec_' + Buffer.alloc(32, 1).toString('base64'),
      'whsec_' + Buffer.from('a short key').toString('base64'),
      Buffer.alloc(24, 0xfe).toString('base64'), // no prefix: standardwebhooks takes it as is
    ];
    const bodies = ['', '{"a":1}', JSON.stringify({ text: 'Café "ü" 100% – 日本 🚚' }), 'x'.repeat(10_000)];
    for (const secret of secrets)
      for (const body of bodies)
        for (const at of [new Date(0), new Date(1_700_000_000_999), new Date('2026-11-30T20:15:00Z')]) {
          const id = `msg_${body.length}_${at.getTime()}`;
          expect(signRequest(id, body, [secret], at)['webhook-signature']).toBe(
            new Webhook(secret).sign(id, at, body),
          );
        }
  });

  it('refuses a secret that decodes to nothing', () => {
    expect(() => signRequest('msg_1', '{}', ['whsec_'], new Date())).toThrow(/must not be empty/);
  });
});

describe('createRequestSigner', () => {
  it('signs exactly as signRequest does, attempt after attempt, with the signers it keeps', () => {
    const secrets = ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'];
    const sign = createRequestSigner();
    const at = new Date('2026-11-30T12:00:00.500Z');
    expect(sign('msg_1', '{"a":1}', secrets, at)).toEqual(signRequest('msg_1', '{"a":1}', secrets, at));
    expect(sign('msg_2', '{"b":2}', secrets, at)).toEqual(signRequest('msg_2', '{"b":2}', secrets, at));
  });
});
