/** A counter as the use cases count with it; prom-client's `Counter` fits. */
export interface Counter<Label extends string> {
  inc(labels: Partial<Record<Label, string>>, value?: number): void;
}

/** The counters the use cases keep (`FoyerMetrics` of @foyer/platform has them all). */
export interface QueueMetrics {
  /** Enter requests by event and outcome (ENTER, WAIT, BLOCK, EXPIRED, or an error code). */
  enters: Counter<'event' | 'outcome'>;
  /** Polls and resumes by event and answer. */
  polls: Counter<'event' | 'outcome'>;
  /** Admissions by event and how (`enter`, `promotion`, `exit`). */
  admissions: Counter<'event' | 'via'>;
  /** Ends by the clock or a close, by event and kind (`session`, `abandoned`, `removed`). */
  expiries: Counter<'event' | 'kind'>;
  /** Exit calls by event and answer. */
  exits: Counter<'event' | 'outcome'>;
}
