import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { buildTestApp } from '../support/build-test-app';
import { InMemoryIngestQueue } from '../support/in-memory-ingest-queue';
import { conformanceDir } from '../support/conformance-dir';

type TestType = 'ValidSingleEvent' | 'ValidBatch' | 'InvalidSingleEvent' | 'InvalidBatch';

interface Vector {
  id: string;
  testType?: TestType;
  event?: Record<string, unknown>;
  batch?: unknown[];
}

interface VectorFile {
  testType: TestType;
  tests: Vector[];
}

const folder = path.join(conformanceDir(), 'cloudevents-json');
const files = ['valid-events.json', 'invalid-events.json', 'valid-batches.json', 'invalid-batches.json'];
const vectors = files.flatMap((file) => {
  const parsed = JSON.parse(
    readFileSync(path.join(folder, file), 'utf8').replace(/^\uFEFF/, ''),
  ) as VectorFile;
  return parsed.tests.map((test) => ({ file, type: test.testType ?? parsed.testType, test }));
});

/** The JSON format treats null optional attributes as absent. */
const withoutNulls = (event: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(event).filter(([, value]) => value !== null));

describe('CloudEvents JSON format conformance vectors', () => {
  it('found the vectors', () => {
    expect(vectors.length).toBeGreaterThan(30);
  });

  it.each(vectors.map((v) => [`${v.file} ${v.test.id}`, v] as const))('%s', async (_name, { type, test }) => {
    const queue = new InMemoryIngestQueue();
    const app = buildTestApp({ queue });
    const single = type === 'ValidSingleEvent' || type === 'InvalidSingleEvent';
    const res = await request(app)
      .post('/events')
      .set('content-type', single ? 'application/cloudevents+json' : 'application/cloudevents-batch+json')
      .send(JSON.stringify(single ? test.event : test.batch));
    if (type.startsWith('Invalid')) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_cloudevent');
      expect(queue.items).toHaveLength(0);
      return;
    }
    expect(res.status).toBe(202);
    const expected = single ? [test.event!] : (test.batch as Record<string, unknown>[]);
    expect(res.body.accepted).toBe(expected.length);
    const unique = new Map(expected.map((e) => [`${String(e.source)} ${String(e.id)}`, withoutNulls(e)]));
    expect(queue.items.map((item) => item.event)).toEqual([...unique.values()]);
  });
});
