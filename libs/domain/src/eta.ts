import { admits, type EventSettings } from './event.js';
import type { ExpectedInfo } from './queue-state.js';

/** Admissions are counted in buckets of this width; the rate is measured over the window. */
export const RATE_BUCKET_MS = 5_000;
export const RATE_WINDOW_MS = 60_000;

export function rateBucket(nowMs: number): number {
  return Math.floor(nowMs / RATE_BUCKET_MS);
}

/**
 * How much the capacity turnover (`limitCnt ÷ sessionTtlSec`) weighs against what was measured, in
 * admissions: with fewer than this many measured, the turnover still counts for about half.
 */
export const PRIOR_ADMISSIONS = 10;

/** What the event's settings say about its admission rate before anything is measured. */
export interface RatePrior {
  limitCnt: number;
  sessionTtlSec: number;
}

/**
 * Admissions from the line per second to plan with, from the per-bucket counts of the sliding
 * window (the stores do not count immediate admissions: they happen only while nobody waits).
 * `null` when nobody was admitted in the window (no history to measure).
 *
 * Two things keep it honest when little is known. The span runs from the first bucket with an
 * admission, not over the whole window, so a line that began admitting five seconds ago is not
 * measured as one admission spread over a minute. And the capacity turnover counts as
 * `min(limitCnt, PRIOR_ADMISSIONS)` admissions seen at that rate, so a first admission behind
 * ten-minute sessions does not promise the next one in seconds; as admissions accumulate they
 * outweigh it.
 */
export function measuredAdmissionRate(buckets: ReadonlyMap<number, number>, nowMs: number, prior: RatePrior): number | null {
  const current = rateBucket(nowMs);
  const oldest = current - RATE_WINDOW_MS / RATE_BUCKET_MS;
  let admitted = 0;
  let first = current;
  for (const [bucket, count] of buckets) {
    if (bucket > oldest && bucket <= current && count > 0) {
      admitted += count;
      first = Math.min(first, bucket);
    }
  }
  if (admitted === 0) return null;
  const spanSeconds = Math.max(RATE_BUCKET_MS, nowMs - first * RATE_BUCKET_MS) / 1000;
  const turnover = prior.limitCnt / prior.sessionTtlSec;
  if (!(turnover > 0)) return admitted / spanSeconds;
  const pseudo = Math.min(prior.limitCnt, PRIOR_ADMISSIONS);
  return (admitted + pseudo) / (spanSeconds + pseudo / turnover);
}

/** Buckets that have left the window and can be forgotten. */
export function staleRateBuckets(buckets: Iterable<number>, nowMs: number): number[] {
  const oldest = rateBucket(nowMs) - RATE_WINDOW_MS / RATE_BUCKET_MS;
  return [...buckets].filter((bucket) => bucket <= oldest);
}

/**
 * Users admitted per second to plan with: the measured rate when there is one, else the rate
 * at which full capacity turns over (`limitCnt ÷ sessionTtlSec`); `null` when nobody can be admitted.
 */
export function planningRate(settings: Pick<EventSettings, 'status' | 'limitCnt' | 'sessionTtlSec'>, measured: number | null): number | null {
  if (!admits(settings.status) || settings.limitCnt === 0) return null;
  if (measured !== null && measured > 0) return measured;
  return settings.limitCnt / settings.sessionTtlSec;
}

/** What a waiter at `rank` is told: the wait at the planning rate (see `planningRate` and `expectedInfo`). */
export function estimateWait(settings: Pick<EventSettings, 'status' | 'limitCnt' | 'sessionTtlSec'>, rank: number, measured: number | null): ExpectedInfo {
  return expectedInfo(rank, planningRate(settings, measured));
}

/** `HH:MM`, minutes rounded up; hours may pass 99. */
export function formatWait(waitSeconds: number): string {
  const minutes = Math.ceil(waitSeconds / 60);
  const hh = Math.floor(minutes / 60);
  const mm = minutes % 60;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
}

/** The normal distribution's 75th percentile, in standard deviations: the half-width of the middle half. */
const Z_QUARTILE = 0.6745;

/**
 * The wait at `rank` when admissions come at `rate` a second: `rank ÷ rate` rounded up, and the
 * middle half of where it may fall (P25, P75). Two things are uncertain, each as a count of
 * independent admissions: the `rank` admissions still to come, and the rate itself, measured from
 * about a window's worth of them (`rate × window`, at least one). Their relative variances add
 * (`1/rank + 1/measured`); the spread is that of a log-normal with this coefficient of variation.
 */
export function expectedInfo(rank: number, rate: number | null): ExpectedInfo {
  if (rate === null || !(rate > 0)) return { rank, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null };
  const wait = rank / rate;
  const measured = Math.max(1, (rate * RATE_WINDOW_MS) / 1000);
  const variation = 1 / Math.max(1, rank) + 1 / measured;
  const spread = Math.exp(Z_QUARTILE * Math.sqrt(Math.log(1 + variation)));
  const waitSeconds = Math.ceil(wait);
  return {
    rank,
    waitSeconds,
    time: formatWait(waitSeconds),
    waitSecondsP25: Math.floor(wait / spread),
    waitSecondsP75: Math.ceil(wait * spread),
  };
}
