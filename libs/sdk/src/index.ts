/**
 * `@foyer/sdk`: the visitor's side, safe in a browser (no Node built-ins, no dependencies).
 * Customer backends import `@foyer/sdk/server`.
 */
export { FoyerClient, type CallOptions, type EnterRequest, type FoyerClientOptions, type WaitOptions } from './client/foyer-client.js';
export { FoyerError, type FoyerErrorCode, type SdkErrorCode } from './client/foyer-error.js';
export type { FetchLike } from './client/foyer-http.js';
export { newIdempotencyKey } from './client/idempotency-key.js';
export { DEFAULT_PACING, type PacingOptions } from './client/poll-pacing.js';
export type {
  AdmittedState,
  BlockedState,
  EventStatus,
  ExpectedInfo,
  ExpiredReason,
  ExpiredState,
  QueueState,
  SettledQueueState,
  WaitingState,
} from './client/queue-state.js';
