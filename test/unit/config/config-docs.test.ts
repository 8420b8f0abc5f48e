import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema, loadConfig } from '../../../src/config';

describe('docs/configuration.md', () => {
  const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` +\| ([^|]+?) +\|/gm)].map((m) => ({
    name: m[1]!,
    fallback: m[2]!.trim(),
  }));

  it('lists exactly the variables of the config schema', () => {
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it("gives each variable's default as the schema has it", () => {
    const defaults = loadConfig({}) as unknown as Record<string, unknown>;
    for (const { name, fallback } of rows) {
      const value = defaults[name];
      const unset = value === undefined || (Array.isArray(value) && value.length === 0);
      expect([name, fallback]).toEqual([name, unset ? 'unset' : `\`${String(value as string)}\``]);
    }
  });
});
