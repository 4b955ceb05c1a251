import type { Clock, EventRepository, QueueHistory } from '@foyer/domain';
import { EventHistory } from './event-history.js';

/** A checkpoint once this many entries follow the latest one, so a rebuild reads a bounded tail. */
export const CHECKPOINT_EVERY = 50_000;
const PAGE = 20_000;

/**
 * Writes per-event checkpoints of the journal: the latest checkpoint folded with the entries after
 * it, saved at the last one's offset. An event gets one when its tail has grown past
 * CHECKPOINT_EVERY entries, or when retention would purge entries of the tail (older than
 * `before`): retention removes only what a checkpoint covers, so a rebuild never misses an entry.
 */
export class WriteCheckpoints {
  constructor(
    private readonly history: QueueHistory,
    private readonly events: Pick<EventRepository, 'list'>,
    private readonly clock: Clock,
  ) {}

  /** Every event that needs one; how many were written. */
  async execute(before: Date): Promise<number> {
    let written = 0;
    for (const event of await this.events.list()) {
      if (await this.checkpointIfDue(event.eventId, before)) written++;
    }
    return written;
  }

  async checkpointIfDue(eventId: string, before: Date): Promise<boolean> {
    const epoch = await this.history.epochOf(eventId);
    if (epoch === null) return false;
    const latest = await this.history.latestCheckpoint(eventId, epoch);
    const pending = await this.history.pendingSince(eventId, latest?.offset ?? 0);
    const due = pending.count >= CHECKPOINT_EVERY || (pending.oldest !== null && pending.oldest < before);
    if (!due) return false;
    return this.checkpoint(eventId, epoch);
  }

  /** Folds the latest checkpoint and the entries after it into a new one. Whether there was anything new. */
  async checkpoint(eventId: string, epoch: string): Promise<boolean> {
    const latest = await this.history.latestCheckpoint(eventId, epoch);
    const history = latest ? EventHistory.fromCheckpoint(epoch, latest.state) : new EventHistory(epoch);
    let after = latest?.offset ?? 0;
    for (;;) {
      const page = await this.history.entriesAfter(eventId, after, PAGE);
      for (const entry of page) history.apply(entry.type, entry.id, entry.payload);
      if (page.length > 0) after = page[page.length - 1].offset;
      if (page.length < PAGE) break;
    }
    if (after === (latest?.offset ?? 0)) return false;
    await this.history.saveCheckpoint({ eventId, epoch, offset: after, state: history.toCheckpointState() }, new Date(this.clock.now()));
    return true;
  }
}
