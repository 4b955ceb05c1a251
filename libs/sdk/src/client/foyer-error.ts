/** The codes this SDK makes itself; every other code is the API's own (`EVENT_NOT_FOUND`, …). */
export type SdkErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'INVALID_RESPONSE';

export type FoyerErrorCode =
  | SdkErrorCode
  | 'VALIDATION_FAILED'
  | 'INVALID_JSON'
  | 'EVENT_NOT_FOUND'
  | 'EVENT_NOT_OPEN'
  | 'ALREADY_QUEUED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'ID_TOKEN_REQUIRED'
  | 'INVALID_ID_TOKEN'
  | 'INVALID_TICKET'
  | 'INVALID_TOKEN'
  | 'RATE_LIMITED'
  | 'POLL_TOO_FREQUENT'
  | 'STORE_UNAVAILABLE'
  | 'QUEUE_REBUILDING'
  | (string & {});

/**
 * A call to Foyer that did not give an answer to use: an API error (its `statusCode` and `code`),
 * or no answer at all (`statusCode` 0: `NETWORK_ERROR`, `TIMEOUT`).
 */
export class FoyerError extends Error {
  override readonly name = 'FoyerError';

  constructor(
    /** The HTTP status; 0 when Foyer did not answer. */
    readonly statusCode: number,
    readonly code: FoyerErrorCode,
    message: string,
    /** From `retry-after`, when the answer had one (429). */
    readonly retryAfterMs: number | null = null,
    /** `details` of a `VALIDATION_FAILED` answer. */
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Worth asking again later: no answer, too many requests, or the server side failing. */
  get retryable(): boolean {
    return this.statusCode === 0 || this.statusCode === 429 || this.statusCode >= 500;
  }
}
