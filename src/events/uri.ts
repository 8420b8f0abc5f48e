// RFC 3986 character classes, as regular-expression fragments.
const UNRESERVED = 'A-Za-z0-9\\-._~';
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const QUERY_OR_FRAGMENT = `(?:${PCHAR}|[/?])*`;
const SCHEME = '[A-Za-z][A-Za-z0-9+.\\-]*';
const IP_LITERAL = '\\[[0-9A-Fa-f:.vV]+\\]';
const REG_NAME = `(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*`;
const USERINFO = `(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*`;
const AUTHORITY = `(?:${USERINFO}@)?(?:${IP_LITERAL}|${REG_NAME})(?::[0-9]*)?`;
const PATH_ABEMPTY = `(?:/${PCHAR}*)*`;
const SEGMENT_NZ_NC = `(?:[${UNRESERVED}${SUB_DELIMS}@]|${PCT})+`;
// hier-part / relative-part: "//" authority path-abempty, or an absolute, rootless or empty path.
const HIER_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|/(?:${PCHAR}+${PATH_ABEMPTY})?|${PCHAR}+${PATH_ABEMPTY}|)`;
const RELATIVE_PART = `(?://${AUTHORITY}${PATH_ABEMPTY}|/(?:${PCHAR}+${PATH_ABEMPTY})?|${SEGMENT_NZ_NC}${PATH_ABEMPTY}|)`;
const TAIL = `(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?`;

const ABSOLUTE_URI = new RegExp(`^${SCHEME}:${HIER_PART}${TAIL}$`);
const RELATIVE_REF = new RegExp(`^${RELATIVE_PART}${TAIL}$`);

/**
 * True for an absolute URI (a scheme, then the rest), per RFC 3986 section 4.3 (fragment allowed).
 * @see https://www.rfc-editor.org/rfc/rfc3986#section-3
 */
export function isAbsoluteUri(value: string): boolean {
  return ABSOLUTE_URI.test(value);
}

/**
 * True for a URI-reference: an absolute URI or a relative reference (RFC 3986 section 4.1).
 * The empty string is a valid reference in RFC 3986 but never a valid CloudEvents `source`,
 * so callers check emptiness first.
 */
export function isUriReference(value: string): boolean {
  return ABSOLUTE_URI.test(value) || RELATIVE_REF.test(value);
}
