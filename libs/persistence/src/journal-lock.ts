import type { Prisma, PrismaClient } from './generated/prisma/client.js';

/**
 * The one advisory lock every writer of journal rows takes (`pg_advisory_xact_lock`), for the
 * whole transaction that assigns offsets. Offsets are the next numbers after the current
 * maximum, read under the lock, so a later offset can only commit after every earlier one, and
 * a reader paging by offset never skips a row that commits late (a sequence cannot promise that).
 * The number spells "FOYJ" in ASCII; it only has to differ from other advisory locks in use.
 */
export const JOURNAL_LOCK_KEY = 0x464f594a;

export type Transaction = Prisma.TransactionClient;

/** Runs `work` in one transaction that holds the journal lock from its first statement. */
export function withJournalLock<T>(prisma: PrismaClient, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return prisma.$transaction(async (tx) => {
    // executeRaw, not queryRaw: the function returns `void`, a type the PGlite adapter cannot read.
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${JOURNAL_LOCK_KEY})`);
    return work(tx);
  });
}
