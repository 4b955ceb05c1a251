import type { EventSeries, SeriesSample } from '@foyer/domain';

export interface MemoryEventSeriesOptions {
  /** Samples older than this (by slot, behind the newest one written) are forgotten. */
  retentionMs: number;
}

interface Slotted {
  slot: number;
  sample: SeriesSample;
}

/**
 * The series of the embedded default: per event, the samples in slot order, trimmed by age as
 * they are written, so each stays a bounded ring. Not snapshotted: after a restart the
 * dashboard's charts start again, and nothing else depends on them.
 */
export class MemoryEventSeries implements EventSeries {
  private readonly series = new Map<string, Slotted[]>();

  constructor(private readonly options: MemoryEventSeriesOptions) {}

  async record(eventId: string, slot: number, sample: SeriesSample): Promise<void> {
    let ring = this.series.get(eventId);
    if (!ring) this.series.set(eventId, (ring = []));
    // Samples arrive in slot order but for a late sampler, so search from the back.
    let index = ring.length;
    while (index > 0 && ring[index - 1].slot > slot) index--;
    if (index > 0 && ring[index - 1].slot === slot) ring[index - 1] = { slot, sample };
    else ring.splice(index, 0, { slot, sample });
    const oldest = slot - this.options.retentionMs;
    let aged = 0;
    while (aged < ring.length && ring[aged].slot < oldest) aged++;
    if (aged > 0) ring.splice(0, aged);
  }

  async read(eventId: string, sinceSlot: number): Promise<SeriesSample[]> {
    const ring = this.series.get(eventId) ?? [];
    return ring.filter((entry) => entry.slot >= sinceSlot).map((entry) => ({ ...entry.sample }));
  }

  async drop(eventId: string): Promise<void> {
    this.series.delete(eventId);
  }

  async close(): Promise<void> {
    this.series.clear();
  }
}
