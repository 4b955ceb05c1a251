/** The longest any message waits between two attempts, whatever the backoff or Retry-After says. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * The wait before attempt `failedAttempts + 1`: exponential from `baseMs` (base, 2·base, 4·base…)
 * with "equal jitter" (half fixed, half random) so receivers that fail together are not retried
 * in lock step, capped at an hour.
 */
export function backoffDelayMs(failedAttempts: number, baseMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 40);
  const ceiling = Math.min(baseMs * 2 ** exponent, MAX_RETRY_DELAY_MS);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * A receiver's `Retry-After` (delta seconds or an HTTP date) in ms from `nowMs`, or null when the
 * header is absent or unreadable. A date in the past means "now".
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * The wait before the next attempt: the receiver's Retry-After when it gave one (it knows when it
 * can take more), otherwise the backoff; either way within [0, MAX_RETRY_DELAY_MS].
 */
export function nextRetryDelayMs(options: { failedAttempts: number; baseMs: number; retryAfterMs: number | null; random?: () => number }): number {
  const delay = options.retryAfterMs ?? backoffDelayMs(options.failedAttempts, options.baseMs, options.random);
  return Math.min(Math.max(delay, 0), MAX_RETRY_DELAY_MS);
}
