import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../../src/config';

describe('README configuration table', () => {
  it('lists exactly the variables of the config schema', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## Configuration');
    const end = readme.indexOf('## Delivery guarantees');
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const section = readme.slice(start, end);
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(configSchema.shape).sort());
  });
});
