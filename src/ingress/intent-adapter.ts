import { createHash } from 'node:crypto';
import { z } from 'zod';
import { invalidCloudEvent, type Problem } from '../errors';
import type { CloudEvent } from '../events';
import { isRfc3339Timestamp } from './rfc3339';
import { validateEvent } from './validate-event';
import { localToRfc3339 } from './zoned-time';

/** intent's webhook item type that carries an intervention update. */
export const INTENT_UPDATE_TYPE = 'operations:intervention:update';

const text = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty');

/** The intervention fields ce-relay relies on; every other field is kept as it came. */
const interventionSchema = z.looseObject({
  reference: text,
  contractReference: text,
  status: text,
  event: text.regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, _, . or -'),
  eventDate: text.optional(),
  logDate: text,
});

const webhookItemSchema = z.looseObject({
  type: z.literal(INTENT_UPDATE_TYPE, { error: `must be "${INTENT_UPDATE_TYPE}"` }),
  id: text.optional(),
  event: z.looseObject({
    type: z.literal('operations', { error: 'must be "operations"' }),
    body: z.unknown(),
  }),
});

export interface IntentAdapterOptions {
  /** IANA zone in which intent's offset-less `logDate` is read. */
  readonly timeZone: string;
}

type Intervention = z.infer<typeof interventionSchema>;

function issuesToProblems(issues: readonly z.core.$ZodIssue[], path: string): Problem[] {
  return issues.map((issue) => ({
    attribute: [path, ...issue.path.map(String)].filter((p) => p.length > 0).join('.'),
    detail: issue.message,
  }));
}

/** Deterministic id for an intervention event without a webhook id: same fields, same id. */
export function interventionEventId(i: Intervention): string {
  const identity = [i.contractReference, i.reference, i.status, i.event, i.eventDate ?? '', i.logDate];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}

function toCloudEvent(
  body: unknown,
  webhookId: string | undefined,
  path: string,
  options: IntentAdapterOptions,
) {
  const parsed = interventionSchema.safeParse(body);
  if (!parsed.success) return { problems: issuesToProblems(parsed.error.issues, path) };
  const intervention = parsed.data;
  const time = isRfc3339Timestamp(intervention.logDate)
    ? intervention.logDate
    : localToRfc3339(intervention.logDate, options.timeZone);
  if (time === undefined) {
    return {
      problems: [
        {
          attribute: `${path}.logDate`.replace(/^\./, ''),
          detail: 'must be a date-time such as 2019-08-02T10:30:00.000',
        },
      ],
    };
  }
  const ref = encodeURIComponent;
  const result = validateEvent({
    specversion: '1.0',
    id: webhookId ?? interventionEventId(intervention),
    source: `/contracts/${ref(intervention.contractReference)}/interventions/${ref(intervention.reference)}`,
    type: `intent.intervention.${intervention.event}`,
    subject: intervention.reference,
    time,
    datacontenttype: 'application/json',
    data: body,
  });
  return result.ok ? { event: result.event } : { problems: result.problems };
}

function adaptItem(item: unknown, path: string, options: IntentAdapterOptions) {
  const isWebhookItem =
    typeof item === 'object' && item !== null && 'event' in item && typeof item.event === 'object';
  if (!isWebhookItem) return toCloudEvent(item, undefined, path, options);
  const parsed = webhookItemSchema.safeParse(item);
  if (!parsed.success) return { problems: issuesToProblems(parsed.error.issues, path) };
  return toCloudEvent(parsed.data.event.body, parsed.data.id, `${path}${path ? '.' : ''}event.body`, options);
}

/**
 * Turns what intent posts into CloudEvents: a JSON array of webhook items
 * (`{type, id, event: {type: "operations", body}}`), a bare intervention object, or an array
 * of them. All or nothing: any invalid item rejects the request with every problem listed.
 */
export function adaptIntentPayload(payload: unknown, options: IntentAdapterOptions): CloudEvent[] {
  const items = Array.isArray(payload) ? payload : [payload];
  const events: CloudEvent[] = [];
  const problems: Problem[] = [];
  items.forEach((item, index) => {
    const adapted = adaptItem(item, Array.isArray(payload) ? `[${index}]` : '', options);
    if (adapted.event) events.push(adapted.event);
    else problems.push(...adapted.problems);
  });
  if (problems.length > 0) throw invalidCloudEvent(problems);
  return events;
}
