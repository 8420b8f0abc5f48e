import type { CloudEventV1 } from 'cloudevents';

/**
 * A validated CloudEvent in its JSON-format shape (the form it is stored and delivered in):
 * required attributes present, optional ones only when set, `data` or `data_base64`, extensions.
 * The type is the SDK's `CloudEventV1`, narrowed to what strict validation guarantees.
 */
export type CloudEvent = CloudEventV1<unknown> & {
  readonly specversion: '1.0';
  readonly data_base64?: string;
};

/** The event's identity for deduplication: `source` + `id` (CloudEvents 1.0, section 3.1). */
export interface EventIdentity {
  readonly source: string;
  readonly id: string;
}
