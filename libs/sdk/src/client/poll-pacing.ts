import type { FoyerError } from './foyer-error.js';

export interface PacingOptions {
  /** Polls wait `pollAfterMs × (1 + jitter × random)`: never sooner than the server asked. */
  jitter: number;
  /** First wait after a failure; doubles with each failure in a row. */
  backoffBaseMs: number;
  /** The longest wait after a failure. */
  backoffMaxMs: number;
}

export const DEFAULT_PACING: PacingOptions = { jitter: 0.2, backoffBaseMs: 1000, backoffMaxMs: 30_000 };

/**
 * The wait before the next poll. Jitter only ever adds: a poll sooner than the server's pacing is
 * refused (`429 POLL_TOO_FREQUENT`), and spreading visitors admitted together is all it is for.
 */
export function pollDelayMs(pollAfterMs: number, pacing: PacingOptions, random: () => number): number {
  return Math.floor(pollAfterMs * (1 + pacing.jitter * random()));
}

/**
 * The wait after `failures` failures in a row. A `retry-after` is followed (plus jitter, so
 * clients told the same second do not come back together); otherwise exponential backoff with
 * "equal jitter" (half fixed, half random), capped by `backoffMaxMs` and, while waiting, by twice
 * the last `pollAfterMs`: that is below `waitTimeoutSec`, so an outage does not by itself cost the
 * place.
 */
export function retryDelayMs(error: FoyerError, failures: number, lastPollAfterMs: number | null, pacing: PacingOptions, random: () => number): number {
  if (error.retryAfterMs !== null) return Math.round(error.retryAfterMs * (1 + pacing.jitter * random()));
  const cap = lastPollAfterMs === null ? pacing.backoffMaxMs : Math.min(pacing.backoffMaxMs, Math.max(2 * lastPollAfterMs, pacing.backoffBaseMs));
  const ceiling = Math.min(pacing.backoffBaseMs * 2 ** Math.min(failures - 1, 30), cap);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
