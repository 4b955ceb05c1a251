import type { QueueJournalEntry } from './queue-store.js';

export const EVENT_JOURNAL_TYPES = ['event.created', 'event.updated', 'event.deleted'] as const;

/** One entry of the journal as readers see it: offsets only grow, in commit order. */
export interface JournalEntry {
  offset: number;
  type: string;
  eventId: string;
  id: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface JournalPage {
  items: JournalEntry[];
  nextAfter: number;
}

/**
 * The journal table. Every writer assigns offsets as the next number while holding one
 * PostgreSQL advisory lock, so offsets commit in order and a reader paging by offset never
 * skips a row that commits late.
 */
export interface JournalRepository {
  /** Appends queue entries of one event, idempotently by their `entryId`; returns how many were new. */
  appendQueueEntries(entries: QueueJournalEntry[]): Promise<number>;
  page(after: number, limit: number, eventId?: string): Promise<JournalPage>;
  /** Removes up to `max` entries created before `before`; returns how many. */
  purgeOlderThan(before: Date, max: number): Promise<number>;
}
