import { CloudEvent as SdkCloudEvent, HTTP } from 'cloudevents';
import type { CloudEvent } from '../events';
import type { ContentMode } from '../subscriptions';

export interface OutgoingMessage {
  readonly headers: Record<string, string>;
  readonly body: string;
}

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
 * Serializes an event with the CloudEvents SDK in the subscription's content mode. The SDK's
 * binary headers are made safe: values stringified and percent-encoded (it writes raw non-ASCII,
 * which Node refuses). The SDK writes `time` in UTC; the instant is unchanged.
 */
export function buildRequest(event: CloudEvent, mode: ContentMode): OutgoingMessage {
  const sdkEvent = new SdkCloudEvent(event as never, false);
  const message = mode === 'binary' ? HTTP.binary(sdkEvent) : HTTP.structured(sdkEvent);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    const text = String(value);
    headers[name.toLowerCase()] = name.toLowerCase().startsWith('ce-') ? percentEncodeHeader(text) : text;
  }
  const body = message.body;
  return {
    headers,
    body:
      typeof body === 'string' ? body : body === undefined ? '' : Buffer.from(body as Uint8Array).toString(),
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
