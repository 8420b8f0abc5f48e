import SwaggerParser from '@apidevtools/swagger-parser';
import type { Express } from 'express';
import request from 'supertest';
import { loadOpenApiDocument } from '../../../src/runtime';
import { buildTestApp } from '../../support/build-test-app';
import { InMemoryIngestQueue } from '../../support/in-memory-ingest-queue';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every `METHOD /path` the Express app routes, with `:id` written as `{id}`. */
function appRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found.sort();
}

function documentRoutes(document: Record<string, unknown>): string[] {
  const paths = document.paths as Record<string, Record<string, unknown>>;
  return Object.entries(paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'].includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

describe('openapi.yaml', () => {
  const document = loadOpenApiDocument();

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('describes exactly the routes the app serves', () => {
    const app = buildTestApp({ queue: new InMemoryIngestQueue() });
    expect(documentRoutes(document)).toEqual(appRoutes(app));
  });

  it('is served at GET /openapi.json', async () => {
    const res = await request(buildTestApp({ queue: new InMemoryIngestQueue() })).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(document);
  });
});
