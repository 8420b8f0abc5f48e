/** A parsed RFC 2045/6838 media type: lower-cased `type/subtype` and lower-cased parameter names. */
export interface MediaType {
  readonly type: string;
  readonly subtype: string;
  /** `type/subtype`, lower case. */
  readonly essence: string;
  readonly parameters: ReadonlyMap<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[^"\\\\\\x00-\\x08\\x0a-\\x1f\\x7f]|\\\\[\\x09\\x20-\\x7e\\x80-\\xff])*"';
const ESSENCE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);
const PARAMETER = new RegExp(`^[ \\t]*;[ \\t]*(${TOKEN})=(${TOKEN}|${QUOTED})[ \\t]*`);

/**
 * Parses a Content-Type value strictly; returns `undefined` when it is not a valid media type.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-8.3.1
 */
export function parseMediaType(value: string): MediaType | undefined {
  const semicolon = value.indexOf(';');
  const head = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
  const match = ESSENCE.exec(head);
  if (!match?.[1] || !match[2]) return undefined;
  const parameters = new Map<string, string>();
  let rest = semicolon === -1 ? '' : value.slice(semicolon);
  while (rest.trim().length > 0) {
    const param = PARAMETER.exec(rest);
    if (!param?.[1] || param[2] === undefined) return undefined;
    const raw = param[2];
    const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    parameters.set(param[1].toLowerCase(), unquoted);
    rest = rest.slice(param[0].length);
  }
  const type = match[1].toLowerCase();
  const subtype = match[2].toLowerCase();
  return { type, subtype, essence: `${type}/${subtype}`, parameters };
}

/** True for `application/json` and every `+json` structured syntax suffix. */
export function isJsonMediaType(media: MediaType): boolean {
  return media.essence === 'application/json' || media.subtype.endsWith('+json');
}

/** True for media types whose bytes are text (decoded to a string in the JSON format). */
export function isTextMediaType(media: MediaType): boolean {
  return (
    media.type === 'text' ||
    media.subtype.endsWith('+xml') ||
    media.essence === 'application/xml' ||
    media.parameters.has('charset')
  );
}

/**
 * True when `datacontenttype` declares JSON data: a JSON media type, or none at all (JSON format
 * 3.1: processing proceeds as if it were `application/json`).
 */
export function declaresJson(datacontenttype: string | undefined): boolean {
  if (datacontenttype === undefined) return true;
  let json = declaredJson.get(datacontenttype);
  if (json === undefined) {
    const media = parseMediaType(datacontenttype);
    json = media !== undefined && isJsonMediaType(media);
    if (declaredJson.size >= 256) declaredJson.clear();
    declaredJson.set(datacontenttype, json);
  }
  return json;
}

// Parsing a media type is a large share of an event's checks, and events use few types.
const declaredJson = new Map<string, boolean>();
