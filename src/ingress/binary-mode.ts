import { invalidCloudEvent, type Problem } from '../errors';
import { isJsonMediaType, isTextMediaType, parseMediaType, type CloudEvent } from '../events';
import { headerValue, type BindingMessage } from './binding-message';
import { decodeUtf8, parseJsonBytes, percentDecodeHeader, unquoteHeader } from './decode';
import { validateEvent } from './validate-event';

const PREFIX = 'ce-';

/** True when the message carries any `ce-` header, i.e. is a binary-mode candidate. */
export function hasBinaryHeaders(message: BindingMessage): boolean {
  return Object.keys(message.headers).some((name) => name.startsWith(PREFIX));
}

/**
 * Reads a binary-mode message: attributes from `ce-` headers (quoted strings unescaped, then
 * percent-decoded once), `datacontenttype` from `Content-Type`, the body as data (JSON parsed for
 * JSON media types, text for UTF-8 text media types, otherwise kept as `data_base64`).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md#31-binary-content-mode
 */
export function parseBinaryMode(message: BindingMessage): CloudEvent {
  const problems: Problem[] = [];
  const attributes: Record<string, unknown> = {};
  for (const name of Object.keys(message.headers)) {
    if (!name.startsWith(PREFIX)) continue;
    const attribute = name.slice(PREFIX.length);
    const raw = headerValue(message, name) ?? '';
    if (attribute === 'data' || attribute === 'data_base64' || attribute === 'datacontenttype') {
      problems.push({ attribute, detail: `not allowed as a header in binary mode (${name})` });
      continue;
    }
    const unquoted = unquoteHeader(raw);
    const decoded = unquoted === undefined ? undefined : percentDecodeHeader(unquoted);
    if (decoded === undefined) {
      problems.push({
        attribute,
        detail: `header ${name} has an unterminated quoted string, a malformed percent-encoding or invalid UTF-8`,
      });
      continue;
    }
    attributes[attribute] = decoded;
  }
  const contentType = headerValue(message, 'content-type');
  if (contentType !== undefined) attributes.datacontenttype = contentType;
  if (message.body.length > 0) readData(message.body, contentType, attributes, problems);

  const result = validateEvent(attributes);
  if (!result.ok) problems.push(...result.problems);
  if (problems.length > 0 || !result.ok) throw invalidCloudEvent(problems);
  return result.event;
}

function readData(
  body: Buffer,
  contentType: string | undefined,
  into: Record<string, unknown>,
  problems: Problem[],
) {
  const media = contentType === undefined ? undefined : parseMediaType(contentType);
  if (media && isJsonMediaType(media)) {
    const parsed = parseJsonBytes(body);
    if (parsed.ok) into.data = parsed.value;
    else problems.push({ attribute: 'data', detail: `the body ${parsed.reason}` });
  } else if (media && isTextMediaType(media) && isUtf8Compatible(media.parameters.get('charset'))) {
    const text = decodeUtf8(body);
    if (text !== undefined) into.data = text;
    else problems.push({ attribute: 'data', detail: 'the body is not valid UTF-8 text' });
  } else {
    into.data_base64 = body.toString('base64');
  }
}

function isUtf8Compatible(charset: string | undefined): boolean {
  return charset === undefined || /^(utf-8|utf8|us-ascii)$/i.test(charset);
}
