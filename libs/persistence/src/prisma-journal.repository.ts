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
   * and reusing an offset a reader has already passed would hide the new entry from it.
   */
  async purgeOlderThan(before: Date, max: number): Promise<number> {
    if (max <= 0) return 0;
    const newest = await this.db.prisma.journalEntry.findFirst({
      orderBy: { offset: 'desc' },
      select: { offset: true },
    });
    if (newest === null) return 0;
    const doomed = await this.db.prisma.journalEntry.findMany({
      where: { createdAt: { lt: before }, offset: { lt: newest.offset } },
      orderBy: { offset: 'asc' },
      take: max,
      select: { offset: true },
    });
    if (doomed.length === 0) return 0;
    const { count } = await this.db.prisma.journalEntry.deleteMany({
      where: { offset: { in: doomed.map((row) => row.offset) } },
    });
    return count;
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
