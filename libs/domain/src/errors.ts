/**
 * Errors the API promises, by code. Every layer throws these; the HTTP layer's one filter gives
 * each code its status and turns the error into `{ statusCode, code, message }`.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'MALFORMED_REQUEST',
  'ID_TOKEN_REQUIRED',
  'GROUP_REQUIRED',
  'CALLBACK_URL_FORBIDDEN',
  'UNAUTHORIZED',
  'INVALID_TICKET',
  'INVALID_ID_TOKEN',
  'INVALID_TOKEN',
  'NOT_FOUND',
  'EVENT_NOT_FOUND',
  'CALLBACK_NOT_FOUND',
  'ROUTE_NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'EVENT_EXISTS',
  'EVENT_NOT_OPEN',
  'ALREADY_QUEUED',
  'IDEMPOTENCY_KEY_REUSED',
  'MESSAGE_ID_CONFLICT',
  'CALLBACK_NOT_DEAD',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'HEADERS_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'POLL_TOO_FREQUENT',
  'INTERNAL_ERROR',
  'STORE_UNAVAILABLE',
  'QUEUE_REBUILDING',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  field: string;
  message: string;
}

export class FoyerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: FieldProblem[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'FoyerError';
  }
}

export const eventNotFound = (eventId: string) => new FoyerError('EVENT_NOT_FOUND', `event '${eventId}' does not exist`);

export const validationFailed = (details: FieldProblem[]) =>
  new FoyerError('VALIDATION_FAILED', details.map((d) => `${d.field}: ${d.message}`).join('; '), { details });

/**
 * The event's queue is being rebuilt from the journal (its store lost it): nothing happened, ask
 * again after `retry-after`. Never a wrong answer, never an admission meanwhile.
 */
export const queueRebuilding = (eventId: string, retryAfterSeconds = 1) =>
  new FoyerError('QUEUE_REBUILDING', `the queue of event '${eventId}' is being rebuilt from the journal; try again shortly`, { retryAfterSeconds });

/**
 * Redis or the database did not answer. The adapters throw this, with the driver's error as the
 * cause, so no other layer needs to know what an outage looks like in each driver.
 */
export class StoreUnavailableError extends FoyerError {
  constructor(what: string, cause?: unknown) {
    super('STORE_UNAVAILABLE', `${what} is not answering; try again shortly`);
    this.cause = cause;
  }
}
