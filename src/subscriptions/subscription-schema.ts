import { z } from 'zod';
import { isUriReference } from '../events';
import type { DeliverySettings } from './subscription';
import { filterSchema } from './filter-schema';

/** ~27 hours in all: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (plus jitter at send time). */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;

const RESERVED_HEADERS =
  /^(host|content-length|content-type|transfer-encoding|connection|user-agent|webhook-.*|ce-.*)$/i;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const sink = z
  .url({ protocol: /^https?$/, error: 'must be an absolute http or https URL' })
  // zod runs refinements after a failed format check too: parse defensively.
  .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), {
    message: 'must not carry credentials; use protocolsettings.headers',
  });

const protocolSettings = z.strictObject({
  method: z.enum(['POST', 'PUT', 'PATCH'], { error: 'must be POST, PUT or PATCH' }).optional(),
  headers: z
    .record(
      z
        .string()
        .regex(TOKEN, 'must be an HTTP header name')
        .refine((name) => !RESERVED_HEADERS.test(name), 'is set by ce-relay'),
      z.string().regex(/^[\t\x20-\x7e]*$/, 'must be printable ASCII'),
    )
    .optional(),
});

const deliveryPatch = z
  .strictObject({
    mode: z.enum(['structured', 'binary']),
    timeoutMs: z.int().min(1000).max(60_000),
    retrySchedule: z
      .array(
        z
          .int()
          .min(0)
          .max(7 * 86_400),
      )
      .max(30),
    maxInFlight: z.int().min(1).max(1000),
    /** `null` (in a PATCH) removes the limit. */
    maxPerSecond: z.int().min(1).max(10_000).nullable(),
    ordering: z.enum(['none', 'key'], { error: "must be 'none' or 'key'" }),
    onFailure: z.enum(['skip', 'block'], { error: "must be 'skip' or 'block'" }),
    coalesce: z.enum(['none', 'latest'], { error: "must be 'none' or 'latest'" }),
    retryOn4xx: z.boolean(),
    handshake: z.boolean(),
    enrich: z.boolean(),
  })
  .partial();

export const DEFAULT_DELIVERY: DeliverySettings = {
  mode: 'structured',
  timeoutMs: 15_000,
  retrySchedule: DEFAULT_RETRY_SCHEDULE,
  maxInFlight: 10,
  ordering: 'none',
  onFailure: 'skip',
  coalesce: 'none',
  retryOn4xx: false,
  handshake: false,
  enrich: true,
};

/** Settings with a patch applied: a `null` limit is no limit. */
export function withDeliveryPatch(current: DeliverySettings, patch: DeliveryPatch): DeliverySettings {
  const { maxPerSecond, ...rest } = { ...current, ...patch };
  return maxPerSecond === null || maxPerSecond === undefined ? rest : { ...rest, maxPerSecond };
}

export type DeliveryPatch = z.infer<typeof deliveryPatch>;

const delivery = deliveryPatch.transform((given) => withDeliveryPatch(DEFAULT_DELIVERY, given));

/** The writable fields of a subscription, as `POST` and `PUT` take them. Unknown fields are rejected. */
export const subscriptionInputSchema = z.strictObject({
  id: z.string().optional(),
  source: z.string().min(1, 'must not be empty').refine(isUriReference, 'must be a URI-reference').optional(),
  types: z
    .array(z.string().min(1, 'must not be empty'))
    .min(1, 'omit types to receive every type')
    .max(100)
    .optional(),
  filters: z.array(filterSchema).max(50).optional(),
  config: z.record(z.string().min(1), z.unknown()).optional(),
  sink,
  protocol: z.literal('HTTP', { error: 'only HTTP is supported' }).default('HTTP'),
  protocolsettings: protocolSettings.optional(),
  description: z.string().max(1000).optional(),
  status: z.enum(['active', 'paused'], { error: "must be 'active' or 'paused'" }).default('active'),
  delivery: delivery.default(DEFAULT_DELIVERY),
});

export type SubscriptionInput = z.infer<typeof subscriptionInputSchema>;

/** `PATCH`: any writable field; `delivery` merges into the current settings; `null` removes optional fields. */
export const subscriptionPatchSchema = z.strictObject({
  source: subscriptionInputSchema.shape.source.nullable(),
  types: subscriptionInputSchema.shape.types.nullable(),
  filters: subscriptionInputSchema.shape.filters.nullable(),
  config: subscriptionInputSchema.shape.config.nullable(),
  sink: sink.optional(),
  protocolsettings: protocolSettings.nullable().optional(),
  description: z.string().max(1000).nullable().optional(),
  status: z.enum(['active', 'paused'], { error: "must be 'active' or 'paused'" }).optional(),
  delivery: deliveryPatch.optional(),
});

export type SubscriptionPatch = z.infer<typeof subscriptionPatchSchema>;
