import fc from 'fast-check';
import request from 'supertest';
import { eventually } from '../../support/eventually';
import { LocalSink } from '../../support/local-sink';
import { ServiceHarness } from '../../support/service-harness';
import { withSendableHeaders } from '../../support/sendable-headers';

// Random hostile requests from an anonymous sender, each beside a valid event of another tenant:
// never a 5xx, and every event the other tenant had acknowledged is delivered.

let harness: ServiceHarness;
let sink: LocalSink;
let bystanderKey: string;

beforeAll(async () => {
  harness = await ServiceHarness.start();
  sink = await LocalSink.start();
  const key = await harness
    .admin('post', '/keys')
    .send({ tenant: 'bystander', scopes: ['events:write', 'subscriptions:write'] });
  bystanderKey = String(key.body.key);
  const created = await request(harness.base)
    .post('/subscriptions')
    .set('authorization', `Bearer ${bystanderKey}`)
    .send({ sink: sink.url, types: ['bystander.event'] });
  expect(created.status).toBe(201);
  await new Promise((resolve) => setTimeout(resolve, 250));
});
afterAll(async () => {
  await harness.stop();
  await sink.close();
});

const nested = (depth: number, open: string, close: string) => `${open.repeat(depth)}1${close.repeat(depth)}`;
const poisonJson = fc.constantFrom(
  '{"specversion":"1.0","__proto__":{"id":"x","source":"/a","type":"bystander.event"}}',
  '{"specversion":"1.0","id":"c","source":"/a","type":"bystander.event","constructor":{"prototype":{}}}',
  '{"specversion":"1.0","id":"p","source":"/a","type":"t","data":{"__proto__":{"polluted":true}}}',
  '{"specversion":"1.0","id":"n","source":"/a","type":"t","data":1e400}',
  '{"specversion":"1.0","id":"n2","source":"/a","type":"t","big":123456789012345678901234567890}',
  '{"specversion":"1.0","id":"\\ud800","source":"/a","type":"t"}',
  '{"specversion":"1.0","id":"a\\u0000b","source":"/a","type":"t"}',
  '{"specversion":"1.0","id":"t","source":"/a","type":"t","time":"2026-12-02T10:00:60Z"}',
  '[{"specversion":"1.0","id":"b1","source":"/a","type":"t"},{"__proto__":null}]',
  '{"eventType":"planned","__proto__":{"reference":"X"}}',
);
const body = fc.oneof(
  poisonJson,
  fc.integer({ min: 60, max: 20_000 }).map((depth) => nested(depth, '[', ']')),
  fc
    .integer({ min: 60, max: 20_000 })
    .map(
      (depth) =>
        `{"specversion":"1.0","id":"d${depth}","source":"/a","type":"bystander.event","data":${nested(depth, '{"a":', '}')}}`,
    ),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);
const contentType = fc.constantFrom(
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/json',
  'application/octet-stream',
  'text/plain; charset=utf-8',
);
const ceHeaders = fc.dictionary(
  fc.constantFrom(
    'ce-specversion',
    'ce-id',
    'ce-source',
    'ce-type',
    'ce-time',
    'ce-__proto__',
    'ce-constructor',
  ),
  fc.oneof(
    fc.constantFrom(
      '1.0',
      '%00',
      '%ED%A0%80',
      '"unterminated',
      '"a\\"b"',
      '2026-12-02T10:00:60Z',
      '%EF%BF%BE',
    ),
    fc.string({ maxLength: 20 }),
  ),
);
const authorization = fc.option(
  fc.constantFrom('Bearer nonsense', `Basic ${Buffer.from('ao:x').toString('base64')}`),
);

describe('hostile requests beside another tenant', () => {
  it('never get a 5xx, and cost the other tenant none of its acknowledged events', async () => {
    const acknowledged: string[] = [];
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/events', '/events/intent'),
        contentType,
        ceHeaders,
        body,
        authorization,
        async (path, type, headers, payload, auth) => {
          let hostile = withSendableHeaders(
            request(harness.base).post(path).set('content-type', type),
            headers,
          );
          if (auth) hostile = hostile.set('authorization', auth);
          // A few of the other tenant's events at once, so that some share a group commit with it.
          const ids = [0, 1, 2].map(() => `b-${n++}`);
          const valid = ids.map((id) =>
            request(harness.base)
              .post('/events')
              .set('authorization', `Bearer ${bystanderKey}`)
              .set('content-type', 'application/cloudevents+json')
              .send(
                JSON.stringify({ specversion: '1.0', id, source: '/bystander', type: 'bystander.event' }),
              ),
          );
          const [attack, ...bystander] = await Promise.all([hostile.send(payload as never), ...valid]);
          expect(attack.status).toBeLessThan(500);
          expect(bystander.map((res) => res.status)).toEqual([202, 202, 202]);
          acknowledged.push(...ids);
        },
      ),
      { numRuns: 120, seed: 2121 },
    );
    const delivered = await eventually(
      () => new Set(sink.deliveries.map((r) => (JSON.parse(r.body) as { id: string }).id)),
      (ids) => acknowledged.every((id) => ids.has(id)),
      20_000,
      100,
    );
    expect(acknowledged.filter((id) => !delivered.has(id))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
