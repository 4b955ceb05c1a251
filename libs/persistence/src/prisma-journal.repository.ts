import type { JournalPage, JournalRepository, QueueJournalEntry } from '@foyer/domain';
import type { Database } from './database.js';
import { withJournalLock } from './journal-lock.js';
import { insertJournalRows, toJournalEntry, type NewJournalRow } from './journal-rows.js';

/** What makes a forwarded queue entry unique: its stream id is unique within its event only. */
export function journalSourceKey(entry: Pick<QueueJournalEntry, 'eventId' | 'entryId'>): string {
  return `${entry.eventId}/${entry.entryId}`;
}

/** The journal table: appends under the journal lock, pages by offset. */
export class PrismaJournalRepository implements JournalRepository {
  constructor(private readonly db: Database) {}

  /** Entries not present yet (by source key) take the next offsets: a batch forwarded twice leaves no gap. */
  async appendQueueEntries(entries: QueueJournalEntry[]): Promise<number> {
    const rows = uniqueBySourceKey(entries.map(toRow));
    if (rows.length === 0) return 0;
    return withJournalLock(this.db.prisma, (tx) => insertJournalRows(tx, rows));
  }

  async page(after: number, limit: number, eventId?: string): Promise<JournalPage> {
    const rows = await this.db.prisma.journalEntry.findMany({
      where: { offset: { gt: BigInt(after) }, ...(eventId === undefined ? {} : { eventId }) },
      orderBy: { offset: 'asc' },
      take: Math.max(0, limit),
    });
    const items = rows.map(toJournalEntry);
    return { items, nextAfter: items.length === 0 ? after : items[items.length - 1].offset };
  }

  /**
   * Never removes the newest entry, however old: offsets continue from the largest one present,
   * and reusing an offset a reader has already passed would hide the new entry from it. Never
   * removes an entry a rebuild needs: an entry of an existing event goes only once its event's
   * latest checkpoint covers it (WriteCheckpoints makes them before each purge).
   */
  async purgeOlderThan(before: Date, max: number): Promise<number> {
    if (max <= 0) return 0;
    return this.db.prisma.$executeRawUnsafe(
      `DELETE FROM journal_entries WHERE "offset" IN (
         SELECT j."offset" FROM journal_entries j
          WHERE j.created_at < $1
            AND j."offset" < (SELECT MAX("offset") FROM journal_entries)
            AND (NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = j.event_id)
                 OR j."offset" <= (SELECT MAX(c."offset") FROM queue_checkpoints c WHERE c.event_id = j.event_id))
          ORDER BY j."offset" LIMIT $2)`,
      before,
      max,
    );
  }
}

function toRow(entry: QueueJournalEntry): NewJournalRow {
  return {
    type: entry.type,
    eventId: entry.eventId,
    // An entry about the event (queue.configured) names no user.
    userId: entry.id === '' ? null : entry.id,
    payload: withIsoTimes(entry.payload),
    createdAt: new Date(entry.at),
    sourceKey: journalSourceKey(entry),
  };
}

function uniqueBySourceKey(rows: NewJournalRow[]): NewJournalRow[] {
  const seen = new Set<string | null>();
  return rows.filter((row) => !seen.has(row.sourceKey) && seen.add(row.sourceKey));
}

/** Payload fields the queue stores write as epoch milliseconds. */
const TIME_FIELDS = ['admittedAt', 'expiresAt'];

/** API.md's times are ISO-8601 strings, in the journal and in lifecycle notifications alike. */
function withIsoTimes(payload: Record<string, unknown>): Record<string, unknown> {
  const converted = { ...payload };
  for (const field of TIME_FIELDS) {
    const value = converted[field];
    if (typeof value === 'number' && Number.isFinite(value)) converted[field] = new Date(value).toISOString();
  }
  return converted;
}
