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
    const body = JSON.parse(message.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      id: event.id,
      source: event.source,
      type: event.type,
      data: event.data,
      priority: 3,
    });
    expect(Date.parse(body.time as string)).toBe(Date.parse(event.time!));
  });

  it('binary mode percent-encodes header values and stringifies extensions', () => {
    const message = buildRequest(event, 'binary');
    expect(message.headers['ce-subject']).toBe('Caf%C3%A9%20%22%C3%BC%22%20100%25');
    expect(message.headers['ce-priority']).toBe('3');
    expect(message.headers['content-type']).toBe('application/json');
    expect(JSON.parse(message.body)).toEqual(event.data);
    for (const value of Object.values(message.headers)) expect(value).toMatch(/^[\x21-\x7e ;=/+.-]*$/);
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
    expect(JSON.parse(build(other, 'structured').body)).toMatchObject({ id: 'another-id' });
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
