import { z } from 'zod';
import type { Problem } from '../errors';
import { declaresJson, parseMediaType, isAbsoluteUri, isUriReference, type CloudEvent } from '../events';
import { isRfc3339Timestamp } from './rfc3339';

const ATTRIBUTE_NAME = /^[a-z0-9]+$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

// Characters a CloudEvents String may not hold: controls, noncharacters, unpaired surrogates.
const DISALLOWED = /[\p{Cc}\p{NChar}\p{Cs}]/u;
// Printable ASCII, the usual case, needs no look at Unicode properties.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const hasDisallowed = (value: string) => !PRINTABLE_ASCII.test(value) && DISALLOWED.test(value);

const requiredString = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty');
const optionalString = z.string({ error: 'must be a string' }).min(1, 'must not be empty').optional();

const extensionValue = z.union([z.string(), z.boolean(), z.int().min(INT32_MIN).max(INT32_MAX)], {
  error: 'an extension value must be a string, a boolean or a 32-bit integer',
});

/**
 * CloudEvents 1.0.2 context attributes, strictly: nothing defaulted, nothing invented.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#context-attributes
 */
const eventSchema = z
  .object({
    specversion: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
      .refine((v) => v === '1.0', 'only CloudEvents 1.0 is supported'),
    id: requiredString,
    source: requiredString.refine(isUriReference, 'must be a URI-reference (RFC 3986)'),
    type: requiredString,
    datacontenttype: optionalString.refine(
      (v) => v === undefined || parseMediaType(v) !== undefined,
      'must be a media type (RFC 2046), e.g. application/json',
    ),
    dataschema: optionalString.refine(
      (v) => v === undefined || isAbsoluteUri(v),
      'must be an absolute URI (RFC 3986)',
    ),
    subject: optionalString,
    time: optionalString.refine(
      (v) => v === undefined || isRfc3339Timestamp(v),
      'must be an RFC 3339 timestamp with seconds and a time-zone offset',
    ),
    data: z.unknown().optional(),
    data_base64: z
      .string({ error: 'must be a base64 string' })
      .refine((v) => BASE64.test(v), 'must be base64 (RFC 4648)')
      .optional(),
  })
  .catchall(extensionValue);

/** Checks zod cannot express per key: attribute names, and data/data_base64 exclusivity. */
function structuralIssues(event: Record<string, unknown>): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const [name, value] of Object.entries(event)) {
    if (name !== 'data_base64' && !ATTRIBUTE_NAME.test(name)) {
      issues.push({ path: name, message: 'attribute names must be lowercase a-z and 0-9' });
    }
    // One pass over every String attribute: a zod refinement on each cost about twice as much.
    if (name !== 'data' && typeof value === 'string' && hasDisallowed(value)) {
      issues.push({
        path: name,
        message: 'must not contain control characters, Unicode noncharacters or unpaired surrogates',
      });
    }
  }
  if (event.data !== undefined && event.data_base64 !== undefined) {
    issues.push({ path: 'data_base64', message: 'data and data_base64 are exclusive' });
  }
  const textIssue = textDataIssue(event.data, event.datacontenttype);
  if (textIssue) issues.push({ path: 'data', message: textIssue });
  return issues;
}

/**
 * Data under a content type that is not JSON is text (JSON format 3.1.2), relayed in binary mode
 * as UTF-8 bytes: it must be a string that UTF-8 can carry, declared as UTF-8 if at all.
 */
function textDataIssue(data: unknown, datacontenttype: unknown): string | undefined {
  if (data === undefined || typeof datacontenttype !== 'string' || declaresJson(datacontenttype)) {
    return undefined;
  }
  const media = parseMediaType(datacontenttype);
  if (!media) return undefined;
  if (typeof data !== 'string') {
    return `must be a string under datacontenttype ${media.essence} (send bytes as data_base64)`;
  }
  if (/\p{Cs}/u.test(data)) return 'must be well-formed Unicode text (it has an unpaired surrogate)';
  const charset = media.parameters.get('charset');
  if (charset !== undefined && !/^(utf-?8|us-ascii)$/i.test(charset)) {
    return `is relayed as UTF-8 text, not ${charset}: send it as data_base64`;
  }
  return undefined;
}

export type ValidationResult =
  { readonly ok: true; readonly event: CloudEvent } | { readonly ok: false; readonly problems: Problem[] };

/**
 * Validates one event in JSON-format shape. `null` optional attributes count as absent
 * (JSON format 1.0.2, section 2.4), and are dropped from the result.
 * @param path prefix for problem attributes, e.g. `[3]` for the fourth event of a batch
 */
export function validateEvent(input: unknown, path = ''): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      problems: [{ attribute: path || '(event)', detail: 'an event must be a JSON object' }],
    };
  }
  // No prototype: a key such as __proto__ is an attribute like any other, and refused as one.
  const present = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(input)) {
    if (value !== null || name === 'data') present[name] = value;
  }
  const result = eventSchema.safeParse(present);
  const issues = [
    ...(result.success
      ? []
      : result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))),
    ...structuralIssues(present),
  ];
  if (issues.length === 0) return { ok: true, event: { ...present } as CloudEvent };
  const problems = issues.map((issue) => ({
    attribute: [path, issue.path].filter((part) => part.length > 0).join('.') || '(event)',
    detail: issue.message,
  }));
  return { ok: false, problems };
}

/** Why `input` is not a valid event, in one line; undefined when it is one. */
export function eventProblem(input: unknown): string | undefined {
  const result = validateEvent(input);
  return result.ok ? undefined : result.problems.map((p) => `${p.attribute}: ${p.detail}`).join('; ');
}
