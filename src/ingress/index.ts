export type { BindingMessage } from './binding-message';
export { parseCloudEventsRequest, type ContentMode, type ParsedRequest } from './parse-cloudevents-request';
export {
  adaptIntentPayload,
  interventionEventId,
  INTENT_UPDATE_TYPE,
  type IntentAdapterOptions,
} from './intent-adapter';
export {
  createEventAcceptor,
  type AcceptResult,
  type AcceptedEvent,
  type EventAcceptor,
  type EventAcceptorDeps,
} from './event-acceptor';
export { parseJsonBytes } from './decode';
export { eventProblem, validateEvent } from './validate-event';
