import { maxPollIntervalMs, type EventSettings } from './event.js';

/** A poll sooner than this fraction of the pacing floor after the last heartbeat is refused. */
export const POLL_TOLERANCE = 0.8;

/** Near the front a waiter polls about every 1–2 s; the interval grows with the log of the rank. */
const FRONT_INTERVAL_MS = 1_000;
const RANKS_PER_DOUBLING = 100;
const JITTER = 0.1;

/** Milliseconds since the last heartbeat below which a poll or resume is `POLL_TOO_FREQUENT`. */
export function pollRefusalMs(settings: Pick<EventSettings, 'minPollIntervalMs'>): number {
  return Math.floor(settings.minPollIntervalMs * POLL_TOLERANCE);
}

/**
 * When a waiter at `rank` should poll next: grows with rank, with ±10 % jitter, never below
 * `minPollIntervalMs` and never above a third of `waitTimeoutSec`.
 */
export function pollAfterMs(rank: number, settings: Pick<EventSettings, 'minPollIntervalMs' | 'waitTimeoutSec'>, random: () => number = Math.random): number {
  const base = FRONT_INTERVAL_MS * (1 + Math.log2(1 + Math.max(0, rank - 1) / RANKS_PER_DOUBLING));
  const jittered = base * (1 + JITTER * (2 * random() - 1));
  const ceiling = maxPollIntervalMs(settings);
  const floor = Math.min(settings.minPollIntervalMs, ceiling);
  return Math.round(Math.min(ceiling, Math.max(floor, jittered)));
}

/** Whole seconds to put in `retry-after` for a refusal that lasts `ms` more. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
