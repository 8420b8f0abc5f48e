import { invalidCloudEvent, unsupportedMediaType } from '../errors';
import type { CloudEvent, MediaType } from '../events';
import type { BindingMessage } from './binding-message';
import { parseJsonBytes } from './decode';
import { validateEvent } from './validate-event';

/** Structured and batched modes use the JSON event format, which is UTF-8 only. */
function assertUtf8Charset(media: MediaType): void {
  const charset = media.parameters.get('charset');
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw unsupportedMediaType(`charset ${charset} is not supported; the JSON event format is UTF-8`);
  }
}

function readJsonBody(message: BindingMessage, media: MediaType): unknown {
  assertUtf8Charset(media);
  const parsed = parseJsonBytes(message.body);
  if (!parsed.ok) throw invalidCloudEvent([{ attribute: '(body)', detail: `the body ${parsed.reason}` }]);
  return parsed.value;
}

/**
 * Structured mode: the whole event is the body, in the JSON format; `ce-` headers are ignored.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#32-structured-content-mode
 */
export function parseStructuredMode(message: BindingMessage, media: MediaType): CloudEvent {
  const result = validateEvent(readJsonBody(message, media));
  if (!result.ok) throw invalidCloudEvent(result.problems);
  return result.event;
}

/**
 * Batched mode: a JSON array of events. All or nothing: one invalid event rejects the batch,
 * and every problem of every event is reported with its index.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#33-batched-content-mode
 */
export function parseBatchedMode(message: BindingMessage, media: MediaType): CloudEvent[] {
  const body = readJsonBody(message, media);
  if (!Array.isArray(body)) {
    throw invalidCloudEvent([{ attribute: '(body)', detail: 'a batch must be a JSON array of events' }]);
  }
  const events: CloudEvent[] = [];
  const problems = [];
  for (const [index, item] of body.entries()) {
    const result = validateEvent(item, `[${index}]`);
    if (result.ok) events.push(result.event);
    else problems.push(...result.problems);
  }
  if (problems.length > 0) throw invalidCloudEvent(problems);
  return events;
}
