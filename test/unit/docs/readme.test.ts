import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('links only to files inside the repository, or to public addresses', () => {
    const targets = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    const local = targets.filter((t) => !/^https?:\/\//.test(t));
    expect(local.filter((t) => !resolve(ROOT, t).startsWith(`${ROOT}/`))).toEqual([]);
    expect(local.filter((t) => !existsSync(resolve(ROOT, t)))).toEqual([]);
  });

  it('shows receivers how to verify every body they can get', () => {
    expect(readme).toContain('verify(rawBody, headers, { jsonParse: false })');
    expect(readme).toContain('(examples/receiver/verify-webhook.ts)');
  });
});
