/** An HTTP message as the binding sees it: lower-cased header names and the raw body bytes. */
export interface BindingMessage {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** One header value; repeated headers are joined with a comma as HTTP allows. */
export function headerValue(message: BindingMessage, name: string): string | undefined {
  const value = message.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}
