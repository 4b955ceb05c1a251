import type { JournalBacklog, QueueJournalEntry, QueueJournalType } from '@foyer/domain';

import type { MemoryJournalSnapshot } from './memory-snapshot.js';

/**
 * One event's journal outbox, as the Redis `log` stream would hold it: entry ids `<ms>-<n>` that
 * only grow (a clock that steps back keeps the last ms and counts on), `at` the ms part.
 */
export class MemoryJournal {
  /** Insertion order is id order. */
  private readonly entries = new Map<string, QueueJournalEntry>();
  private lastMs = 0;
  private lastN = 0;

  constructor(readonly eventId: string) {}

  get size(): number {
    return this.entries.size;
  }

  append(now: number, type: QueueJournalType, id: string, payload: Record<string, unknown>): void {
    if (now > this.lastMs) {
      this.lastMs = now;
      this.lastN = 0;
    } else {
      this.lastN++;
    }
    const entryId = `${this.lastMs}-${this.lastN}`;
    this.entries.set(entryId, { entryId, type, eventId: this.eventId, id, at: this.lastMs, payload });
  }

  /** The oldest `max` entries, as copies. */
  read(max: number): QueueJournalEntry[] {
    const page: QueueJournalEntry[] = [];
    if (max <= 0) return page;
    for (const entry of this.entries.values()) {
      page.push({ ...entry, payload: { ...entry.payload } });
      if (page.length >= max) break;
    }
    return page;
  }

  ack(entryIds: readonly string[]): void {
    for (const entryId of entryIds) this.entries.delete(entryId);
  }

  /** backlog-1.lua */
  backlog(now: number): JournalBacklog {
    for (const oldest of this.entries.values()) return { pending: this.entries.size, lagMs: Math.max(0, now - oldest.at) };
    return { pending: 0, lagMs: 0 };
  }

  /** Forgets every entry; ids keep growing from where they were. */
  clear(): void {
    this.entries.clear();
  }

  toSnapshot(): MemoryJournalSnapshot {
    return { eventId: this.eventId, lastId: `${this.lastMs}-${this.lastN}`, entries: [...this.entries.values()] };
  }

  static fromSnapshot(snapshot: MemoryJournalSnapshot): MemoryJournal {
    const journal = new MemoryJournal(snapshot.eventId);
    const [ms, n] = snapshot.lastId.split('-').map(Number);
    journal.lastMs = ms ?? 0;
    journal.lastN = n ?? 0;
    for (const entry of snapshot.entries) journal.entries.set(entry.entryId, { ...entry, eventId: snapshot.eventId });
    return journal;
  }
}
