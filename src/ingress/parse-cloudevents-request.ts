import { unsupportedMediaType } from '../errors';
import { parseMediaType, type CloudEvent } from '../events';
import { headerValue, type BindingMessage } from './binding-message';
import { hasBinaryHeaders, parseBinaryMode } from './binary-mode';
import { parseBatchedMode, parseStructuredMode } from './structured-mode';

export type ContentMode = 'binary' | 'structured' | 'batched';

export interface ParsedRequest {
  readonly mode: ContentMode;
  readonly events: CloudEvent[];
}

const STRUCTURED = 'application/cloudevents+json';
const BATCHED = 'application/cloudevents-batch+json';

/**
 * Picks the content mode from the message (CloudEvents HTTP binding section 3) and returns
 * the validated events. Throws `AppError` 400 for invalid events, 415 for a content type
 * that is neither a JSON CloudEvents format nor a binary-mode message.
 */
export function parseCloudEventsRequest(message: BindingMessage): ParsedRequest {
  const contentType = headerValue(message, 'content-type');
  const media = contentType === undefined ? undefined : parseMediaType(contentType);
  if (media?.essence === STRUCTURED)
    return { mode: 'structured', events: [parseStructuredMode(message, media)] };
  if (media?.essence === BATCHED) return { mode: 'batched', events: parseBatchedMode(message, media) };
  if (media?.essence.startsWith('application/cloudevents')) {
    throw unsupportedMediaType(
      `${media.essence} is not supported: use the JSON event format (${STRUCTURED}).`,
    );
  }
  if (hasBinaryHeaders(message)) return { mode: 'binary', events: [parseBinaryMode(message)] };
  throw unsupportedMediaType(
    `Not a CloudEvent: send ${STRUCTURED}, ${BATCHED}, or binary mode with ce-specversion, ce-id, ce-source and ce-type headers.`,
  );
}
