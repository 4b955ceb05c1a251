import { Inject, Injectable } from '@nestjs/common';
import type { EventRepository, JournalRepository, QueueStore } from '@foyer/domain';
import { EVENT_REPOSITORY, JOURNAL_REPOSITORY, QUEUE_STORE } from '@foyer/platform';
import type { PeriodicOutcome } from '../scheduler/periodic-task.js';

const BATCH = 2_000;

/**
 * Moves queue changes from each event's outbox (written by the same atomic step as the change) into
 * the journal table. Any number of workers may run it: the journal assigns offsets under one
 * advisory lock and ignores entries it already has, and an entry is acknowledged only after it is
 * committed, so a crash in between forwards it again, harmlessly.
 */
@Injectable()
export class JournalForwarder {
  constructor(
    @Inject(QUEUE_STORE) private readonly store: QueueStore,
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    @Inject(JOURNAL_REPOSITORY) private readonly journal: JournalRepository,
  ) {}

  /**
   * One batch of every event's outbox; `'more'` when some outbox had a full batch, so the next pass
   * follows at once and a busy promotion's entries do not pile up in Redis.
   */
  async forwardAll(): Promise<PeriodicOutcome> {
    let more = false;
    for (const event of await this.events.list()) more = (await this.forwardBatch(event.eventId)) === BATCH || more;
    return more ? 'more' : undefined;
  }

  /** Everything the event's outbox holds now. */
  async flush(eventId: string): Promise<void> {
    while ((await this.forwardBatch(eventId)) > 0);
  }

  private async forwardBatch(eventId: string): Promise<number> {
    const entries = await this.store.readJournal(eventId, BATCH);
    if (entries.length === 0) return 0;
    await this.journal.appendQueueEntries(entries);
    await this.store.ackJournal(
      eventId,
      entries.map((entry) => entry.entryId),
    );
    return entries.length;
  }
}
