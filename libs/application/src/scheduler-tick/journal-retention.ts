import type { Clock, JournalRepository } from '@foyer/domain';
import type { WriteCheckpoints } from '../rebuild/write-checkpoints.js';

/** Retention deletes in batches of its own; it is not on anyone's hot path. */
export const PURGE_BATCH = 1_000;
const DAY_MS = 86_400_000;

/**
 * The scheduler's retention pass: journal entries older than `retentionDays` by the clock go, but
 * never one a rebuild still needs: first each event whose old entries no checkpoint covers gets a
 * checkpoint, and the purge removes only entries at or before their event's latest checkpoint
 * (or of events that no longer exist).
 */
export class JournalRetention {
  constructor(
    private readonly journal: Pick<JournalRepository, 'purgeOlderThan'>,
    private readonly clock: Clock,
    private readonly retentionDays: number,
    private readonly checkpoints?: Pick<WriteCheckpoints, 'execute'>,
  ) {}

  async execute(): Promise<void> {
    const before = new Date(this.clock.now() - this.retentionDays * DAY_MS);
    await this.checkpoints?.execute(before);
    while ((await this.journal.purgeOlderThan(before, PURGE_BATCH)) === PURGE_BATCH);
  }
}
