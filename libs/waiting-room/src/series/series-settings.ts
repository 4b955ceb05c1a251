import type { FoyerConfig } from '@foyer/config';

/** The longest history the series route answers for, in minutes. */
export const SERIES_MAX_MINUTES = 60;
/** A sample every ten scheduler ticks, within these bounds: 10 s at the default 1 s tick. */
const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 10_000;
const TICKS_PER_SAMPLE = 10;

/** How often each event is sampled and how long its samples are kept. */
export class SeriesSettings {
  constructor(
    readonly intervalMs: number,
    /** The longest window plus two intervals, so the window's first point still has one before it to measure rates from. */
    readonly retentionMs = SERIES_MAX_MINUTES * 60_000 + 2 * intervalMs,
  ) {}

  /** Tied to SCHEDULER_TICK_MS, so tests with a short tick get samples every second. */
  static fromConfig(config: Pick<FoyerConfig, 'schedulerTickMs'>): SeriesSettings {
    const intervalMs = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, TICKS_PER_SAMPLE * config.schedulerTickMs));
    return new SeriesSettings(intervalMs);
  }

  /** The start of the sampling interval `at` falls in: every sampler writes that interval's one sample there. */
  slotOf(at: number): number {
    return Math.floor(at / this.intervalMs) * this.intervalMs;
  }
}
