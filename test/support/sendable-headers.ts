import type { Test } from 'supertest';

/**
 * Sets the headers on a supertest request, those Node can send: it refuses control characters in
 * outgoing headers, so a server never sees them and a test need not try.
 */
export function withSendableHeaders(req: Test, headers: Readonly<Record<string, string>>): Test {
  let result = req;
  for (const [name, value] of Object.entries(headers)) {
    if (/^[\t\x20-\x7e]*$/.test(value)) result = result.set(name, value);
  }
  return result;
}
