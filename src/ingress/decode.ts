import { MAX_JSON_DEPTH, nestsDeeperThan } from '../events';

// ignoreBOM keeps a leading U+FEFF: text is relayed as received, byte for byte.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 strictly; returns `undefined` for invalid byte sequences instead of replacing them. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Parses JSON from bytes; `undefined` when the bytes are not UTF-8 or not JSON. */
export function parseJsonBytes(
  bytes: Uint8Array,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const decoded = decodeUtf8(bytes);
  if (decoded === undefined) return { ok: false, reason: 'is not valid UTF-8' };
  // JSON texts may start with a byte order mark, which is not part of the value (RFC 8259 8.1).
  const text = decoded.startsWith('\uFEFF') ? decoded.slice(1) : decoded;
  if (text.trim().length === 0) return { ok: false, reason: 'is empty' };
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { ok: false, reason: `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `is not valid JSON (${(error as Error).message})` };
  }
}

/**
 * Percent-decodes an HTTP header value once, as the CloudEvents HTTP binding requires
 * (section 3.1.3.2), then decodes the bytes as UTF-8. Raw bytes above 0x7e are taken as
 * UTF-8 too. Returns `undefined` for a malformed escape or invalid UTF-8.
 */
export function percentDecodeHeader(value: string): string | undefined {
  if (!value.includes('%') && /^[\x20-\x7e\t]*$/.test(value)) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x25) {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (code > 0xff) {
      return undefined;
    } else {
      bytes.push(code);
    }
  }
  return decodeUtf8(Uint8Array.from(bytes));
}

/**
 * Unescapes the double-quoted strings of an HTTP header value (RFC 9110 5.6.4): the quotes go,
 * and a backslash keeps the character after it. The CloudEvents HTTP binding asks for this before
 * percent-decoding (section 3.1.3.2). Returns `undefined` for an unterminated quoted string.
 */
export function unquoteHeader(value: string): string | undefined {
  if (!value.includes('"')) return value;
  let result = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (char === '"') quoted = !quoted;
    else if (quoted && char === '\\') {
      if (i + 1 === value.length) return undefined;
      result += value[++i];
    } else result += char;
  }
  return quoted ? undefined : result;
}
