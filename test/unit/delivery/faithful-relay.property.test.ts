import { HTTP, type CloudEventV1 } from 'cloudevents';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook } from '../../../examples/receiver/verify-webhook';
import { buildRequest, signRequest } from '../../../src/delivery';
import type { CloudEvent } from '../../../src/events';
import { declaresJson } from '../../../src/events';
import { parseCloudEventsRequest, type BindingMessage } from '../../../src/ingress';
import { ingestItemSchema, ingestJobSchema, makeIngestItem, type ReceivedVia } from '../../../src/queues';

// Every event ce-relay accepts reaches a subscriber as it was received, in both content modes:
// generated events go in by every mode they can travel in, through the ingest job and the stored
// record (both JSON in Redis), out through the serializer and the signer, and are read back by
// ce-relay's own strict reader and by the CloudEvents SDK.

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RESERVED = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
  'data',
]);
const DISALLOWED = /[\p{Cc}\p{NChar}\p{Cs}]/u;
const SDK_JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

// Any Unicode scalar value a CloudEvents String may hold, from every plane.
const allowableChar = fc
  .oneof(
    fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  )
  .filter((c) => !DISALLOWED.test(c));
const allowableString = (minLength: number) => fc.string({ unit: allowableChar, minLength, maxLength: 24 });
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const timestamp = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 9 }),
    t: fc.constantFrom('T', 't'),
    offset: fc.oneof(
      fc.constantFrom('Z', 'z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
    ),
  })
  .map(
    (f) =>
      `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}${f.t}${pad(f.hour, 2)}:${pad(f.minute, 2)}:` +
      `${pad(f.second, 2)}${f.fraction ? `.${f.fraction}` : ''}${f.offset}`,
  );
const uri = fc.webUrl({ withQueryParameters: true, withFragments: true });
const uriReference = fc.oneof(
  uri,
  fc.webPath().filter((p) => p.length > 0),
  fc.constantFrom('urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', 'O-1234', '/contracts/9#x'),
);
const extensionValue = fc.oneof(
  allowableString(0),
  fc.boolean(),
  fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }),
  fc.constantFrom(-2_147_483_648, 2_147_483_647, 0),
);
const extensions = fc.dictionary(
  fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    minLength: 1,
    maxLength: 12,
  }),
  extensionValue,
  { maxKeys: 4 },
);
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(Uint8Array.from({ length: 256 }, (_, i) => i)),
);
/** The data members and content type of an event: JSON, text, bytes, or nothing. */
const data = fc.oneof(
  fc.constant({}),
  fc.record(
    {
      datacontenttype: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/vnd.ao+json',
      ),
      data: fc.jsonValue(),
    },
    { requiredKeys: ['data'] },
  ),
  fc.record({
    datacontenttype: fc.constantFrom(
      'text/plain',
      'text/plain; charset=utf-8',
      'text/csv',
      'application/xml',
    ),
    data: fc.string({ unit: 'binary', maxLength: 200 }),
  }),
  fc.record(
    {
      datacontenttype: fc.constantFrom('application/octet-stream', 'image/png'),
      data_base64: bytes.map((b) => Buffer.from(b).toString('base64')),
    },
    { requiredKeys: ['data_base64'] },
  ),
  // Text sent as bytes: valid UTF-8 under a text type.
  fc.record({
    datacontenttype: fc.constant('text/plain; charset=utf-8'),
    data_base64: fc.string({ unit: 'binary', maxLength: 100 }).map((s) => Buffer.from(s).toString('base64')),
  }),
);
const event = fc
  .record({
    core: fc.record(
      {
        id: allowableString(1),
        source: uriReference,
        type: allowableString(1),
        subject: allowableString(1),
        time: timestamp,
        dataschema: uri,
      },
      { requiredKeys: ['id', 'source', 'type'] },
    ),
    extensions,
    data,
  })
  .map(({ core, extensions, data }) => {
    const ext = Object.fromEntries(Object.entries(extensions).filter(([name]) => !RESERVED.has(name)));
    // As a producer sends it: JSON text (which also turns -0 into 0).
    return JSON.parse(JSON.stringify({ specversion: '1.0', ...core, ...ext, ...data })) as CloudEvent;
  });

/** A binary-mode request as a producer writes it, percent-encoded, its values quoted or not. */
function producerBinary(e: CloudEvent, quote: boolean): BindingMessage | undefined {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(e)) {
    if (name === 'data' || name === 'data_base64' || name === 'datacontenttype') continue;
    const encoded = encodeURIComponent(String(value));
    headers[`ce-${name}`] = quote ? `"${encoded}"` : encoded;
  }
  if (e.datacontenttype !== undefined) headers['content-type'] = e.datacontenttype;
  if (e.data_base64 !== undefined) return { headers, body: Buffer.from(e.data_base64, 'base64') };
  if (e.data === undefined) return { headers, body: Buffer.alloc(0) };
  // JSON data without a content type cannot travel in binary mode: its body would be bytes.
  if (e.datacontenttype === undefined) return undefined;
  const body = declaresJson(e.datacontenttype) ? JSON.stringify(e.data) : (e.data as string);
  return { headers, body: Buffer.from(body, 'utf8') };
}

/** Every way the event can come in, as the events ingress reads. */
function ingressed(e: CloudEvent, quote: boolean): [ReceivedVia, CloudEvent][] {
  const structured = (type: string, body: unknown) =>
    parseCloudEventsRequest({ headers: { 'content-type': type }, body: Buffer.from(JSON.stringify(body)) });
  const ways: [ReceivedVia, CloudEvent][] = [
    ['structured', structured('application/cloudevents+json', e).events[0]!],
    ['batched', structured('application/cloudevents-batch+json', [e]).events[0]!],
  ];
  const binary = producerBinary(e, quote);
  if (binary) ways.push(['binary', parseCloudEventsRequest(binary).events[0]!]);
  return ways;
}

/** Through the ingest job and the event record, both stored as JSON. */
function stored(e: CloudEvent, via: ReceivedVia): CloudEvent {
  const job = JSON.parse(JSON.stringify({ v: 2, items: [makeIngestItem(e, via, 'default', new Date())] }));
  const parsed = ingestJobSchema.parse(job);
  const item = ingestItemSchema.parse(parsed.items[0]);
  return (JSON.parse(JSON.stringify({ event: item.event })) as { event: CloudEvent }).event;
}

/** The data as bytes or a JSON value: what binary mode can tell apart. Empty bytes are no data. */
function dataOf(e: CloudEvent): { json: unknown } | { bytes: string } | undefined {
  if (e.data_base64 !== undefined) return e.data_base64 === '' ? undefined : { bytes: e.data_base64 };
  if (e.data === undefined) return undefined;
  if (declaresJson(e.datacontenttype)) return { json: e.data };
  const text = Buffer.from(e.data as string, 'utf8');
  return text.length === 0 ? undefined : { bytes: text.toString('base64') };
}

/** Attributes other than data, in their canonical strings: what binary mode carries. */
function attributesOf(e: CloudEvent): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(e)) {
    if (name !== 'data' && name !== 'data_base64') result[name] = String(value);
  }
  // Binary mode labels JSON data without a type with the type the JSON format implies.
  if (e.datacontenttype === undefined && e.data !== undefined) result.datacontenttype = 'application/json';
  return result;
}

function expectSdkAgrees(sdk: CloudEventV1<unknown>, sent: CloudEvent, mode: 'binary' | 'structured') {
  // The SDK does not percent-decode binary headers; decodeURIComponent is an independent decoder.
  const read = (value: unknown) => (mode === 'binary' ? decodeURIComponent(String(value)) : value);
  for (const name of ['id', 'source', 'type', 'subject', 'dataschema']) {
    const value = (sent as Record<string, unknown>)[name];
    if (value !== undefined) expect(read((sdk as Record<string, unknown>)[name])).toBe(value);
  }
  for (const [name, value] of Object.entries(sent)) {
    if (RESERVED.has(name) || name === 'data_base64') continue;
    expect(read((sdk as Record<string, unknown>)[name])).toEqual(mode === 'binary' ? String(value) : value);
  }
  // The SDK keeps time as a Date's ISO string: the same instant, to the millisecond.
  if (sent.time !== undefined && Number.isFinite(Date.parse(sent.time))) {
    expect(sdk.time).toBe(new Date(sent.time).toISOString());
  }
  const expected = dataOf(sent);
  if (expected === undefined || !('json' in expected)) {
    // Text as a string, bytes as a Buffer (binary mode) or a Uint32Array of bytes (structured).
    const got = sdk.data as string | Uint8Array | Uint32Array | undefined;
    const asBytes = typeof got === 'string' ? Buffer.from(got, 'utf8') : got && Buffer.from(Array.from(got));
    const gotBytes = asBytes?.length ? asBytes : undefined;
    expect(gotBytes?.toString('base64')).toBe(expected === undefined ? undefined : expected.bytes);
  } else if (mode === 'structured') {
    // The SDK drops falsy data members (0, false, '', null) of a structured event.
    expect(sdk.data).toEqual(expected.json || undefined);
  } else {
    // The SDK's JSON reader parses only text that starts with {, [ or ", and only under the two
    // spellings of application/json it knows; other scalars come back as their JSON text, other
    // JSON types as the body.
    const text = JSON.stringify(expected.json);
    if (!SDK_JSON_TYPES.has(String(sdk.datacontenttype))) expect(String(sdk.data)).toBe(text);
    else expect(sdk.data).toEqual(/^[[{"]/.test(text) ? expected.json : text);
  }
}

function expectSignatureCoversBytes(body: Buffer, headers: Record<string, string>) {
  expect(verifyWebhook(body, headers, SECRET)).toBe(true);
  const webhook = new Webhook(SECRET);
  // standardwebhooks decodes a Buffer body as UTF-8 before it verifies: it can only verify bodies
  // that are UTF-8, and must fail on others since ce-relay signs their exact bytes.
  const utf8 = Buffer.from(body.toString('utf8'), 'utf8').equals(body);
  if (utf8) expect(() => webhook.verify(body, headers, { jsonParse: false })).not.toThrow();
  else expect(() => webhook.verify(body, headers, { jsonParse: false })).toThrow('No matching signature');
}

describe('faithful relay (property)', () => {
  it('delivers every accepted event as received, in both content modes, signed over its bytes', () => {
    fc.assert(
      fc.property(event, fc.boolean(), (sent, quote) => {
        for (const [via, received] of ingressed(sent, quote)) {
          const record = stored(received, via);
          expect(record).toEqual(received);
          // Through binary mode, extensions arrive as strings: compare canonical forms from there.
          const original = via === 'binary' ? received : sent;
          expect(attributesOf(received)).toEqual(attributesOf(sent));
          expect(dataOf(received)).toEqual(dataOf(sent));
          for (const mode of ['structured', 'binary'] as const) {
            const message = buildRequest(record, mode);
            const headers = {
              ...message.headers,
              ...signRequest('msg_x', message.body, [SECRET], new Date()),
            };
            const readBack = parseCloudEventsRequest({ headers, body: message.body }).events[0]!;
            if (mode === 'structured') expect(readBack).toEqual(original);
            expect(attributesOf(readBack)).toEqual(attributesOf(original));
            expect(dataOf(readBack)).toEqual(dataOf(original));
            expect(readBack.time).toBe(sent.time);
            const json = message.headers['content-type']?.includes('json');
            const sdk = HTTP.toEvent({ headers, body: json ? message.body.toString('utf8') : message.body });
            expectSdkAgrees(sdk as CloudEventV1<unknown>, original, mode);
            expectSignatureCoversBytes(message.body, headers);
          }
        }
      }),
      { numRuns: 500, seed: 20261202 },
    );
  });
});
