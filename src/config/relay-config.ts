import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './load-config';

const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('bearer'), token: z.string().min(1) }),
  z.strictObject({ kind: z.literal('basic'), username: z.string().min(1), password: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('oauth2-client-credentials'),
    tokenUrl: z.url({ protocol: /^https?$/ }),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    scope: z.string().min(1).optional(),
  }),
]);

const upstreamSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and -'),
  match: z
    .strictObject({ source: z.string().min(1).optional(), type: z.string().min(1).optional() })
    .refine(
      (m) => m.source !== undefined || m.type !== undefined,
      'give a source prefix, a type prefix, or both',
    ),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an absolute http or https URL' }),
  auth: authSchema.default({ kind: 'none' }),
  rateLimit: z.strictObject({ requests: z.int().positive(), perSeconds: z.int().positive() }).optional(),
  timeoutMs: z.int().min(100).max(60_000).default(10_000),
  retries: z.int().min(0).max(10).default(3),
  cacheSeconds: z.int().min(0).max(3600).default(30),
  /** Larger answers are failed fetches: what enrichment adds to an event stays bounded. */
  maxResponseBytes: z
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  resolve: z
    .strictObject({
      resourceReference: z.boolean().default(true),
      nested: z.boolean().default(false),
      depth: z.int().min(1).max(5).default(1),
      operationUrl: z.boolean().default(false),
    })
    .default({ resourceReference: true, nested: false, depth: 1, operationUrl: false }),
});

/** The file named by `RELAY_CONFIG` (JSON or YAML): upstreams that enrichment fetches from. */
export const relayConfigSchema = z.strictObject({ upstreams: z.array(upstreamSchema).default([]) });

export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type UpstreamConfig = z.infer<typeof upstreamSchema>;
export type UpstreamAuth = z.infer<typeof authSchema>;

/** Parses a relay config document; every problem is named by its path (`upstreams.0.auth.tokenUrl`). */
export function parseRelayConfig(document: unknown): RelayConfig {
  const result = relayConfigSchema.safeParse(document);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((i) => `RELAY_CONFIG ${i.path.join('.') || '(file)'}: ${i.message}`),
  );
}

/** Reads and parses `RELAY_CONFIG`; no path means no upstreams. */
export function loadRelayConfig(path: string | undefined): RelayConfig {
  if (!path) return { upstreams: [] };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`RELAY_CONFIG: cannot read ${path} (${(error as Error).message})`]);
  }
  let document: unknown;
  try {
    document = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([
      `RELAY_CONFIG: ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'} (${(error as Error).message})`,
    ]);
  }
  return parseRelayConfig(document);
}
