import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { eventually } from '../../support/eventually';
import { sinksForFile, type LocalSink, type ReceivedRequest } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import { verifiesOverBytes } from '../../support/verify-signature';

// One test per defect of "faithful relay": what a subscriber receives is the event as received.

const ORIGIN = 'relay.example';
let harness: ServiceHarness;
const newSink = sinksForFile();

beforeAll(async () => {
  harness = await ServiceHarness.start({ WEBHOOK_REQUEST_ORIGIN: ORIGIN });
});
afterAll(async () => {
  await harness.stop();
});

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A sink and a subscription to it for events of `type`; answers the deliveries it receives. */
async function subscribed(type: string, delivery: object = {}, answer = 204) {
  const sink = await newSink();
  sink.respond = (r) =>
    r.method === 'OPTIONS'
      ? { status: 200, headers: { 'webhook-allowed-origin': String(r.headers['webhook-request-origin']) } }
      : { status: answer };
  const subscription = await harness.subscribe({ sink: sink.url, types: [type], delivery });
  return { sink, subscription };
}

async function received(sink: LocalSink, count = 1): Promise<ReceivedRequest[]> {
  return eventually(
    () => sink.deliveries,
    (list) => list.length >= count,
    8000,
  );
}

async function finalRecords(subscriptionId: string, count: number) {
  return eventually(
    () => harness.deliveries(`subscription=${subscriptionId}`),
    (list) => list.length === count && list.every((d) => d.status !== 'pending'),
    8000,
  );
}

function postBinary(headers: Record<string, string>, body: Buffer | string) {
  const req = request(harness.base).post('/events');
  for (const [name, value] of Object.entries(headers)) void req.set(name, value);
  return req.send(body);
}

describe('faithful relay', () => {
  it('1. delivers bytes exactly in binary mode, signed over those bytes', async () => {
    const { sink, subscription } = await subscribed('faithful.bytes', { mode: 'binary' });
    const res = await postBinary(
      {
        'ce-specversion': '1.0',
        'ce-id': 'bytes-1',
        'ce-source': '/faithful',
        'ce-type': 'faithful.bytes',
        'content-type': 'application/octet-stream',
      },
      ALL_BYTES,
    );
    expect(res.status).toBe(202);
    expect(
      (
        await harness.postEvent({
          specversion: '1.0',
          id: 'bytes-2',
          source: '/faithful',
          type: 'faithful.bytes',
          datacontenttype: 'image/png',
          data_base64: ALL_BYTES.toString('base64'),
        })
      ).status,
    ).toBe(202);
    const [first, second] = await received(sink, 2);
    for (const delivery of [first!, second!]) {
      expect(delivery.raw.equals(ALL_BYTES)).toBe(true);
      expect(verifiesOverBytes(delivery, subscription.secret)).toBe(true);
    }
    expect(first!.headers['content-type']).toBe('application/octet-stream');
    expect(second!.headers['content-type']).toBe('image/png');
  });

  it('2. labels bytes without a datacontenttype with no content type at all', async () => {
    const { sink } = await subscribed('faithful.untyped', { mode: 'binary' });
    await harness.postEvent({
      specversion: '1.0',
      id: 'untyped-1',
      source: '/faithful',
      type: 'faithful.untyped',
      data_base64: Buffer.from('plain bytes').toString('base64'),
    });
    const [delivery] = await received(sink);
    expect(delivery!.headers['content-type']).toBeUndefined();
    expect(delivery!.body).toBe('plain bytes');
  });

  it('3. delivers JSON strings, numbers, booleans and null in binary mode as JSON', async () => {
    const { sink, subscription } = await subscribed('faithful.scalar', { mode: 'binary' });
    const values = ['hello', 42, -1.5, true, false, null];
    for (const [i, data] of values.entries()) {
      const event = { specversion: '1.0', id: `scalar-${i}`, source: '/faithful', type: 'faithful.scalar' };
      expect((await harness.postEvent({ ...event, datacontenttype: 'application/json', data })).status).toBe(
        202,
      );
    }
    const records = await finalRecords(subscription.id, values.length);
    expect(records.map((d) => [d.status, d.attemptCount])).toEqual(values.map(() => ['delivered', 1]));
    const bodies = new Map((await received(sink, values.length)).map((r) => [r.headers['ce-id'], r.body]));
    expect(values.map((_, i) => bodies.get(`scalar-${i}`))).toEqual(values.map((v) => JSON.stringify(v)));
  });

  it('4. never invents a time', async () => {
    const binary = await subscribed('faithful.timeless', { mode: 'binary' });
    const structured = await newSink();
    await harness.subscribe({ sink: structured.url, types: ['faithful.timeless'] });
    await harness.postEvent({
      specversion: '1.0',
      id: 'timeless',
      source: '/faithful',
      type: 'faithful.timeless',
    });
    const [b] = await received(binary.sink);
    const [s] = await received(structured);
    expect(b!.headers['ce-time']).toBeUndefined();
    expect(JSON.parse(s!.body)).not.toHaveProperty('time');
  });

  it('5. forwards the time as received: its offset and every fractional digit', async () => {
    const time = '2026-03-29T02:30:00.123456789+02:00';
    const binary = await subscribed('faithful.time', { mode: 'binary' });
    const structured = await newSink();
    await harness.subscribe({ sink: structured.url, types: ['faithful.time'] });
    await harness.postEvent({
      specversion: '1.0',
      id: 'time',
      source: '/faithful',
      type: 'faithful.time',
      time,
    });
    const [b] = await received(binary.sink);
    const [s] = await received(structured);
    expect(b!.headers['ce-time']).toBe(time);
    expect(JSON.parse(s!.body).time).toBe(time);
  });

  it('6. unescapes quoted-string header values at binary-mode ingress', async () => {
    const { sink } = await subscribed('faithful.quoted');
    const res = await postBinary(
      {
        'ce-specversion': '1.0',
        'ce-id': 'quoted-1',
        'ce-source': '/faithful',
        'ce-type': 'faithful.quoted',
        'ce-subject': '"quoted value"',
        'ce-note': '"say \\"hi\\""',
      },
      '',
    );
    expect(res.status).toBe(202);
    const [delivery] = await received(sink);
    expect(JSON.parse(delivery!.body)).toMatchObject({ subject: 'quoted value', note: 'say "hi"' });
  });

  it('7. sends WebHook-Request-Origin on each delivery to a sink that granted the handshake', async () => {
    const granted = await subscribed('faithful.origin', { handshake: true });
    const plain = await subscribed('faithful.origin');
    await harness.postEvent({
      specversion: '1.0',
      id: 'origin',
      source: '/faithful',
      type: 'faithful.origin',
    });
    const [withOrigin] = await received(granted.sink);
    const [without] = await received(plain.sink);
    expect(withOrigin!.headers['webhook-request-origin']).toBe(ORIGIN);
    expect(without!.headers['webhook-request-origin']).toBeUndefined();
  });

  it('8. ends every delivery it cannot send with a recorded attempt, never pending with none', async () => {
    // Data that is not JSON under a JSON content type can only come in as bytes; sent as such.
    const { subscription } = await subscribed('faithful.awkward', { mode: 'binary' });
    const datas = [7, true, null, 'text', [1, 'two'], { nested: { deep: [null] } }];
    for (const [i, data] of datas.entries()) {
      await harness.postEvent({
        specversion: '1.0',
        id: `awkward-${i}`,
        source: '/faithful',
        type: 'faithful.awkward',
        data,
      });
    }
    const records = await finalRecords(subscription.id, datas.length);
    for (const record of records) expect(record).toMatchObject({ status: 'delivered', attemptCount: 1 });
  });

  it('9. sends the same bytes on a replay after every cache is gone', async () => {
    const { sink, subscription } = await subscribed('faithful.replay', { mode: 'binary' }, 400);
    await harness.postEvent({
      specversion: '1.0',
      id: 'replay-1',
      source: '/faithful',
      type: 'faithful.replay',
      datacontenttype: 'application/octet-stream',
      data_base64: ALL_BYTES.toString('base64'),
    });
    const [failed] = await finalRecords(subscription.id, 1);
    expect(failed!.status).toBe('failed');
    await harness.restart();
    sink.respond = () => ({ status: 204 });
    expect((await harness.admin('post', `/deliveries/${String(failed!.id)}/replay`)).status).toBe(202);
    const [first, replayed] = await received(sink, 2);
    expect(replayed!.raw.equals(first!.raw)).toBe(true);
    const {
      ['webhook-timestamp']: _t1,
      ['webhook-signature']: _s1,
      date: _d1,
      ...firstHeaders
    } = first!.headers;
    const {
      ['webhook-timestamp']: _t2,
      ['webhook-signature']: _s2,
      date: _d2,
      ...replayHeaders
    } = replayed!.headers;
    expect(replayHeaders).toEqual(firstHeaders);
    expect(verifiesOverBytes(replayed!, subscription.secret)).toBe(true);
  });

  it('10. signs text and JSON bodies so that the standardwebhooks library verifies them', async () => {
    const { sink, subscription } = await subscribed('faithful.text', { mode: 'binary' });
    await harness.postEvent({
      specversion: '1.0',
      id: 'text-1',
      source: '/faithful',
      type: 'faithful.text',
      datacontenttype: 'text/plain; charset=utf-8',
      data: 'grüße, 你好 🚗',
    });
    const [delivery] = await received(sink);
    expect(delivery!.body).toBe('grüße, 你好 🚗');
    const headers = delivery!.headers as Record<string, string>;
    expect(() =>
      new Webhook(subscription.secret).verify(delivery!.raw, headers, { jsonParse: false }),
    ).not.toThrow();
  });
});
