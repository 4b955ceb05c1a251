import type { SeriesSample } from '@foyer/domain';

/** A sample as the dashboard reads it: the totals' growth since the sample before, per minute. */
export interface SeriesPoint {
  at: number;
  waiting: number;
  active: number;
  limitCnt: number;
  admittedTotal: number;
  /** `null` for the first sample, or where the totals restarted. */
  admittedPerMin: number | null;
  abandonedTotal: number;
  abandonedPerMin: number | null;
  backWaitSeconds: number | null;
}

/**
 * The points of `samples` (oldest first) taken at or after `since`. Rates come from consecutive
 * samples, so a sample before `since` is read too, only to measure the first point's rates.
 */
export function seriesPoints(samples: readonly SeriesSample[], since: number): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  samples.forEach((sample, index) => {
    if (sample.at < since) return;
    const before = index > 0 ? samples[index - 1] : null;
    points.push({
      at: sample.at,
      waiting: sample.waiting,
      active: sample.active,
      limitCnt: sample.limitCnt,
      admittedTotal: sample.admittedTotal,
      admittedPerMin: perMinute(before, sample, 'admittedTotal'),
      abandonedTotal: sample.abandonedTotal,
      abandonedPerMin: perMinute(before, sample, 'abandonedTotal'),
      backWaitSeconds: sample.backWaitSeconds,
    });
  });
  return points;
}

function perMinute(before: SeriesSample | null, after: SeriesSample, total: 'admittedTotal' | 'abandonedTotal'): number | null {
  if (!before) return null;
  const elapsedMs = after.at - before.at;
  const grown = after[total] - before[total];
  // Totals only grow; a drop means the event's queue state was dropped and started again.
  if (elapsedMs <= 0 || grown < 0) return null;
  return Math.round((grown * 60_000 * 100) / elapsedMs) / 100;
}
