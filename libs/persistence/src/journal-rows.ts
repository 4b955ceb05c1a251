import type { JournalEntry } from '@foyer/domain';
import type { Prisma, JournalEntry as JournalEntryRow } from './generated/prisma/client.js';
import type { Transaction } from './journal-lock.js';

/** A journal row before it has an offset. */
export interface NewJournalRow {
  type: string;
  eventId: string;
  userId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
  sourceKey: string | null;
}

/**
 * Inserts rows with the next offsets, in the order given. The caller must hold the journal
 * lock (`withJournalLock`) in `tx`: that is what makes "max + 1" safe and the offsets dense.
 * Returns how many rows were inserted.
 */
export async function insertJournalRows(tx: Transaction, rows: NewJournalRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { _max } = await tx.journalEntry.aggregate({ _max: { offset: true } });
  const last = _max.offset ?? 0n;
  const { count } = await tx.journalEntry.createMany({
    data: rows.map((row, i) => ({
      ...row,
      payload: row.payload as Prisma.InputJsonObject,
      offset: last + BigInt(i + 1),
    })),
    // The unique sourceKey decides, should a forwarded entry slip past the caller's check.
    skipDuplicates: true,
  });
  if (count !== rows.length) {
    // Only a writer that skipped the journal lock can get here; rolling back keeps offsets dense.
    throw new Error(`journal insert wrote ${count} of ${rows.length} rows: offsets would have gaps`);
  }
  return count;
}

export function toJournalEntry(row: JournalEntryRow): JournalEntry {
  return {
    offset: Number(row.offset),
    type: row.type,
    eventId: row.eventId,
    id: row.userId,
    payload: row.payload as Record<string, unknown>,
    createdAt: row.createdAt,
  };
}
