import { declaresJson, type CloudEvent } from '../events';
import type { ContentMode } from '../subscriptions';

export interface OutgoingMessage {
  readonly headers: Record<string, string>;
  /** The exact bytes sent, and signed. */
  readonly body: Buffer;
}

const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
const NOT_HEADERS = new Set(['data', 'data_base64', 'datacontenttype']);

/**
 * Percent-encodes a binary-mode header value as the HTTP binding requires (section 3.1.3.2):
 * space, `"`, `%` and every character outside printable ASCII, as UTF-8 bytes.
 */
export function percentEncodeHeader(value: string): string {
  let encoded = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code > 0x20 && code < 0x7f && char !== '"' && char !== '%') encoded += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/**
 * The body of a binary-mode message and its Content-Type (HTTP binding 3.1.1): the data as
 * received. Bytes go as they are; JSON data as JSON text; a string under any other content type
 * as UTF-8 text. Without a `datacontenttype`, JSON data is labelled `application/json` (the type
 * the JSON format implies) and bytes get no Content-Type at all, as nothing says what they are.
 */
function binaryData(event: CloudEvent): { contentType?: string; body: Buffer } {
  const contentType = event.datacontenttype;
  if (event.data_base64 !== undefined) return { contentType, body: Buffer.from(event.data_base64, 'base64') };
  if (event.data === undefined) return { contentType, body: Buffer.alloc(0) };
  if (declaresJson(contentType)) {
    return { contentType: contentType ?? 'application/json', body: Buffer.from(JSON.stringify(event.data)) };
  }
  if (typeof event.data === 'string') return { contentType, body: Buffer.from(event.data, 'utf8') };
  throw new Error(`data under ${contentType} must be a string, not ${typeof event.data}`);
}

/** An attribute's canonical string (CloudEvents 1.0.2 section 2, type system). */
const canonical = (value: unknown): string => (typeof value === 'string' ? value : String(value));

function binaryMessage(event: CloudEvent): OutgoingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (!NOT_HEADERS.has(name) && value !== undefined) {
      headers[`ce-${name}`] = percentEncodeHeader(canonical(value));
    }
  }
  const { contentType, body } = binaryData(event);
  if (contentType !== undefined) headers['content-type'] = contentType;
  return { headers, body };
}

/**
 * Serializes an event in the subscription's content mode from the event as it was received and
 * stored: every attribute as received (`time` included, never invented or re-formatted), the data
 * as received (a JSON value, text, or exact bytes). Deterministic: a retry or a replay sends the
 * same bytes. The CloudEvents SDK is not used here, as it invents and normalises attributes.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md
 */
export function buildRequest(event: CloudEvent, mode: ContentMode): OutgoingMessage {
  if (mode === 'binary') return binaryMessage(event);
  return {
    headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
    body: Buffer.from(JSON.stringify(event), 'utf8'),
  };
}

/**
 * `buildRequest` that serializes each event object once per content mode: the deliveries of one
 * event read the same record object (served from the worker's cache), so they share one message.
 * Events are never changed once stored, and a message is forgotten with its event.
 */
export function createRequestBuilder(): typeof buildRequest {
  const built = new WeakMap<CloudEvent, Map<ContentMode, OutgoingMessage>>();
  return (event, mode) => {
    let messages = built.get(event);
    if (!messages) built.set(event, (messages = new Map<ContentMode, OutgoingMessage>()));
    let message = messages.get(mode);
    if (!message) messages.set(mode, (message = buildRequest(event, mode)));
    return message;
  };
}
