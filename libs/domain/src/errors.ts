/**
 * Errors the API promises, by code. Every layer throws these; one HTTP filter turns them into
 * `{ statusCode, code, message }`, so a code and its status live here and nowhere else.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  ID_TOKEN_REQUIRED: 400,
  GROUP_REQUIRED: 400,
  CALLBACK_URL_FORBIDDEN: 400,
  UNAUTHORIZED: 401,
  INVALID_TICKET: 401,
  INVALID_ID_TOKEN: 401,
  INVALID_TOKEN: 401,
  NOT_FOUND: 404,
  EVENT_NOT_FOUND: 404,
  CALLBACK_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EVENT_EXISTS: 409,
  EVENT_NOT_OPEN: 409,
  ALREADY_QUEUED: 409,
  MESSAGE_ID_CONFLICT: 409,
  CALLBACK_NOT_DEAD: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  POLL_TOO_FREQUENT: 429,
  INTERNAL_ERROR: 500,
  STORE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldProblem {
  field: string;
  message: string;
}

export class FoyerError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { details?: FieldProblem[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'FoyerError';
    this.statusCode = ERROR_STATUS[code];
  }
}

export const eventNotFound = (eventId: string) =>
  new FoyerError('EVENT_NOT_FOUND', `event '${eventId}' does not exist`);

export const validationFailed = (details: FieldProblem[]) =>
  new FoyerError('VALIDATION_FAILED', details.map((d) => `${d.field}: ${d.message}`).join('; '), { details });

/** Redis or the database did not answer. */
export class StoreUnavailableError extends FoyerError {
  constructor(what: string, cause?: unknown) {
    super('STORE_UNAVAILABLE', `${what} is not answering; try again shortly`);
    this.cause = cause;
  }
}
