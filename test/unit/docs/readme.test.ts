import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => join('docs', name))];

describe('README and docs/', () => {
  it.each(pages)('%s links only to files inside the repository, or to public addresses', (page) => {
    const text = readFileSync(join(ROOT, page), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    const local = targets.filter((t) => !/^https?:\/\//.test(t)).map((t) => resolve(ROOT, dirname(page), t));
    expect(local.filter((target) => !target.startsWith(`${ROOT}/`))).toEqual([]);
    expect(local.filter((target) => !existsSync(target))).toEqual([]);
  });

  it('README shows receivers how to verify every body they can get', () => {
    expect(readme).toContain('verify(rawBody, headers, { jsonParse: false })');
    expect(readme).toContain('(examples/receiver/verify-webhook.ts)');
  });

  it('README stays a page for users: under 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(250);
  });
});
