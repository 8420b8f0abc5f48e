/** What came back from one attempt to send a delivery. */
export type SendResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      /** `Retry-After` as sent, if any. */
      readonly retryAfter?: string;
      /** At most 4 KiB of the response body, as text. */
      readonly excerpt: string;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'error';
      /** Stable class of failure: `timeout`, `connection`, `dns`, `tls`, `blocked` (not a public address), `other`. */
      readonly errorClass: 'timeout' | 'connection' | 'dns' | 'tls' | 'blocked' | 'other';
      readonly message: string;
      readonly durationMs: number;
    };
