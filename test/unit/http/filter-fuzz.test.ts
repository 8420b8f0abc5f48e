import fc from 'fast-check';
import request from 'supertest';
import { buildTestApp, TEST_ADMIN_KEY } from '../../support/build-test-app';
import { InMemoryIngestQueue } from '../../support/in-memory-ingest-queue';

// Whatever filters a client sends, creating a subscription answers 201 or a 4xx, never a 5xx.

const app = buildTestApp({ queue: new InMemoryIngestQueue() });

const token = fc.oneof(
  fc.constantFrom('type', 'source', 'subject', 'sequence', 'data', 'NOT', 'AND', 'OR', 'XOR', 'LIKE', 'IN'),
  fc.constantFrom('EXISTS', 'TRUE', '(', ')', ',', '=', '<>', '+', '-', '*', '/', '%', 'UPPER(', 'ABS('),
  fc.constantFrom("'O-%'", "'%a%a%a%b'", "'[a-z]+(x)|y?'", "'\\%'", "'_'", "'", '"', '2147483648', '0'),
  fc.string({ maxLength: 6 }).map((s) => `'${s.replace(/'/g, "''")}'`),
  fc.integer().map(String),
);
const sql = fc.oneof(
  fc.constantFrom("source LIKE 'O-%'", "source NOT LIKE '%a%a%a%a%a%a%b'", "subject LIKE '(x|y)+\\_'"),
  fc.array(token, { maxLength: 14 }).map((tokens) => tokens.join(' ')),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'('.repeat(n)}true${')'.repeat(n)}`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'NOT '.repeat(n)}true`),
  fc.integer({ min: 1, max: 2000 }).map((n) => Array.from({ length: n }, () => 'type = 1').join(' OR ')),
  fc.string({ maxLength: 60 }),
);
const attributes = fc.dictionary(
  fc.oneof(fc.constantFrom('type', 'source', 'data_base64', '__proto__', 'constructor'), fc.string()),
  fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
  { maxKeys: 3 },
);
const filter: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ sql }),
    fc.record({ exact: attributes }),
    fc.record({ prefix: attributes }),
    fc.record({ all: fc.array(tie('filter'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('filter'), { maxLength: 3 }) }),
    fc.record({ not: tie('filter') }),
    fc.dictionary(fc.string(), fc.anything(), { maxKeys: 2 }),
    fc.anything(),
  ),
})).filter;
// Deep filters as JSON text: fast-check never holds (or prints) an object that deep.
const deepFilter = fc
  .integer({ min: 1, max: 5000 })
  .map((depth) => `${'{"not":'.repeat(depth)}{"sql":"true"}${'}'.repeat(depth)}`);
const filterText = fc.oneof(
  filter.map((f) => JSON.stringify(f) ?? 'null'),
  deepFilter,
);

describe('subscription filters from any client', () => {
  it('are created or refused with a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(filterText, { maxLength: 3 }), async (filters) => {
        const res = await request(app)
          .post('/subscriptions')
          .set('authorization', `Bearer ${TEST_ADMIN_KEY}`)
          .set('content-type', 'application/json')
          .send(`{"sink":"https://sink.example/hook","filters":[${filters.join(',')}]}`);
        expect(res.status).toBeLessThan(500);
        expect([201, 400, 413]).toContain(res.status);
      }),
      { numRuns: 300, seed: 2112 },
    );
  });
});
