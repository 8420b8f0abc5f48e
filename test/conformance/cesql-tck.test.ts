import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CesqlParseError, compileCesql, type CesqlErrorKind } from '../../src/cesql';
import { specsDir } from '../support/conformance-dir';

interface TckCase {
  name: string;
  expression: string | number | boolean;
  result?: string | number | boolean;
  error?: CesqlErrorKind;
  event?: Record<string, unknown>;
  eventOverrides?: Record<string, unknown>;
}

const folder = path.join(specsDir(), 'cesql', 'tck');
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.yaml'))
  .sort();
const cases = files.flatMap((file) => {
  const suite = parse(readFileSync(path.join(folder, file), 'utf8')) as { name: string; tests: TckCase[] };
  return suite.tests.map((test) => ({ file, test }));
});

const anyValidEvent = {
  specversion: '1.0',
  id: 'tck-id',
  source: 'https://tck.example/source',
  type: 'tck.type',
};

describe('CloudEvents SQL TCK', () => {
  it('reads all 18 files of the suite', () => {
    expect(files).toHaveLength(18);
  });

  it.each(cases.map((c) => [`${c.file}: ${c.test.name}`, c.test] as const))('%s', (_name, test) => {
    // YAML reads `expression: TRUE` or `expression: -10` as a boolean or a number: the source text is meant.
    const expression = String(test.expression);
    const event = test.event ?? { ...anyValidEvent, ...test.eventOverrides };
    if (test.error === 'parse') {
      expect(() => compileCesql(expression)).toThrow(CesqlParseError);
      return;
    }
    const result = compileCesql(expression).evaluate(event);
    if (test.result !== undefined) expect(result.value).toBe(test.result);
    expect(result.errors.map((e) => e.kind)).toEqual(test.error ? [test.error] : []);
  });
});
