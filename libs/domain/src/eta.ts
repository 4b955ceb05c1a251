import { admits, type EventSettings } from './event.js';
import type { ExpectedInfo } from './queue-state.js';

/** Admissions are counted in buckets of this width; the rate is measured over the window. */
export const RATE_BUCKET_MS = 5_000;
export const RATE_WINDOW_MS = 60_000;

export function rateBucket(nowMs: number): number {
  return Math.floor(nowMs / RATE_BUCKET_MS);
}

/**
 * Admissions from the line per second over the sliding window, from per-bucket counts (the stores
 * do not count immediate admissions: they happen only while nobody waits).
 * `null` when nobody was admitted in the window (no history to measure).
 */
export function measuredAdmissionRate(buckets: ReadonlyMap<number, number>, nowMs: number): number | null {
  const current = rateBucket(nowMs);
  const oldest = current - RATE_WINDOW_MS / RATE_BUCKET_MS;
  let admitted = 0;
  for (const [bucket, count] of buckets) {
    if (bucket > oldest && bucket <= current) admitted += count;
  }
  if (admitted === 0) return null;
  // The window covers the full buckets behind the current one and the elapsed part of it.
  const elapsedMs = RATE_WINDOW_MS - RATE_BUCKET_MS + (nowMs - current * RATE_BUCKET_MS);
  return admitted / (elapsedMs / 1000);
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

/** `HH:MM`, minutes rounded up; hours may pass 99. */
export function formatWait(waitSeconds: number): string {
  const minutes = Math.ceil(waitSeconds / 60);
  const hh = Math.floor(minutes / 60);
  const mm = minutes % 60;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
}

/** rank ÷ rate, rounded up to whole seconds. */
export function expectedInfo(rank: number, rate: number | null): ExpectedInfo {
  if (rate === null || !(rate > 0)) return { rank, waitSeconds: null, time: null };
  const waitSeconds = Math.ceil(rank / rate);
  return { rank, waitSeconds, time: formatWait(waitSeconds) };
}
