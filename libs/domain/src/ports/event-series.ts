/**
 * An event's recent history for the admins' dashboard: one sample of its queue every few seconds,
 * taken by the scheduler role and kept for an hour or so. `RedisEventSeries` and
 * `MemoryEventSeries` implement it.
 */

/** What the queue of one event looked like at `at`. Totals only grow, so rates come from differences. */
export interface SeriesSample {
  /** When the sample was taken, ms since the epoch. */
  at: number;
  waiting: number;
  active: number;
  limitCnt: number;
  admittedTotal: number;
  abandonedTotal: number;
  /** The estimated wait of the last waiter (rank = waiting), as that waiter is told; `null` when unknown. */
  backWaitSeconds: number | null;
}

export interface EventSeries {
  /**
   * Stores `sample` as the one sample of its slot (the start of its sampling interval, in ms): a
   * sample of the same slot replaces it, so several samplers never make duplicates. Forgets the
   * event's samples that have aged past the retention.
   */
  record(eventId: string, slot: number, sample: SeriesSample): Promise<void>;

  /** The event's samples of the slots from `sinceSlot` on, oldest first. */
  read(eventId: string, sinceSlot: number): Promise<SeriesSample[]>;

  /** Forgets the event's whole series (the event was deleted). */
  drop(eventId: string): Promise<void>;

  close(): Promise<void>;
}
