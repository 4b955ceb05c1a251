import type { Clock, JournalRepository } from '@foyer/domain';

/** Retention deletes in batches of its own; it is not on anyone's hot path. */
export const PURGE_BATCH = 1_000;
const DAY_MS = 86_400_000;

/** The scheduler's retention pass: journal entries older than `retentionDays` by the clock go. */
export class JournalRetention {
  constructor(
    private readonly journal: Pick<JournalRepository, 'purgeOlderThan'>,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  async execute(): Promise<void> {
    const before = new Date(this.clock.now() - this.retentionDays * DAY_MS);
    while ((await this.journal.purgeOlderThan(before, PURGE_BATCH)) === PURGE_BATCH);
  }
}
