import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * Reads `openapi.yaml`, the API's contract, from the package root (found by walking up from
 * this file, so it works from `src/` and from `dist/src/`).
 */
export function loadOpenApiDocument(from = __dirname): Record<string, unknown> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'openapi.yaml');
    if (existsSync(candidate)) return parse(readFileSync(candidate, 'utf8')) as Record<string, unknown>;
    if (path.dirname(dir) === dir) throw new Error(`openapi.yaml not found above ${from}`);
  }
}
