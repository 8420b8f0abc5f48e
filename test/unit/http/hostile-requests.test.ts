import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import request from 'supertest';
import { buildTestApp, TEST_ADMIN_KEY } from '../../support/build-test-app';
import { InMemoryIngestQueue } from '../../support/in-memory-ingest-queue';
import { withSendableHeaders } from '../../support/sendable-headers';

v8.setFlagsFromString('--expose-gc');
/** A full garbage collection, so that heap figures count only what is still referenced. */
const gc = vm.runInNewContext('gc') as () => void;

const app = buildTestApp({ queue: new InMemoryIngestQueue(), maxBodyBytes: 64 * 1024 });

/** JSON nested `depth` levels deep: `[[[...]]]`. */
const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('%', '%zz', '%C3%28', '%FF', 'a\tb', '1.0', '', ' '.repeat(20)),
);
const body = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: 1, max: 5000 }).map(deep),
  fc.constantFrom(
    '{"specversion":"1.0","id":1,"source":{},"type":[]}',
    '[null, 1, "x", {}]',
    '{',
    '\uFEFF{}',
    'null',
  ),
);
const contentType = fc.constantFrom(
  'application/cloudevents+json',
  'application/cloudevents+json; charset=latin1',
  'application/cloudevents-batch+json',
  'application/json',
  'text/plain',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'garbage',
  'application/cloudevents+json; charset="utf-8"; x=',
);
const ceHeaders = fc.dictionary(
  fc.constantFrom(
    'ce-specversion',
    'ce-id',
    'ce-source',
    'ce-type',
    'ce-time',
    'ce-subject',
    'ce-Data',
    'ce-x.y',
    'ce-dataschema',
  ),
  headerValue,
);
const target = fc.constantFrom(
  ['post', '/events'],
  ['post', '/events/intent'],
  ['options', '/events'],
  ['post', '/subscriptions'],
  ['put', '/subscriptions/x'],
  ['patch', '/subscriptions/x'],
  ['get', '/subscriptions?limit=abc&types=&status=%'],
  ['post', '/subscriptions/x/rotate-secret'],
  ['post', '/keys'],
  ['get', '/keys?tenant=a&tenant=b'],
  ['delete', '/keys/x'],
) as fc.Arbitrary<['post' | 'put' | 'patch' | 'get' | 'options' | 'delete', string]>;

describe('hostile and random requests', () => {
  it('never get a 5xx, whatever the method, headers and body', async () => {
    await fc.assert(
      fc.asyncProperty(
        target,
        contentType,
        ceHeaders,
        body,
        fc.boolean(),
        async ([method, path], type, headers, payload, admin) => {
          let req = withSendableHeaders(request(app)[method](path).set('content-type', type), headers);
          if (admin) req = req.set('authorization', `Bearer ${TEST_ADMIN_KEY}`);
          const res = await (method === 'get' || method === 'options' || method === 'delete'
            ? req
            : req.send(payload as never));
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        },
      ),
      { numRuns: 400, seed: 20261122 },
    );
  });

  it('does not keep memory for what it refused', async () => {
    const hostile = JSON.stringify({ specversion: '1.0', id: 'x'.repeat(60_000) });
    const post = () =>
      request(app).post('/events').set('content-type', 'application/cloudevents+json').send(hostile);
    for (let i = 0; i < 50; i++) await post();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 300; i++) expect((await post()).status).toBe(400);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // 300 refused 60 KB bodies (18 MB in all) must not stay behind.
    expect(grown).toBeLessThan(15 * 1024 * 1024);
  });
});
