import { randomBytes } from 'node:crypto';
import type { CheckpointState, HistoryEntry, PendingHistory, QueueCheckpoint, QueueHistory, StoreBuild } from '@foyer/domain';
import type { Database } from './database.js';
import type { Prisma } from './generated/prisma/client.js';

interface EntryRow {
  offset: bigint | number | string;
  type: string;
  user_id: string | null;
  payload: Record<string, unknown> | string;
  source_key: string | null;
}

/**
 * What a rebuild reads from PostgreSQL: the event row's store epoch and build count, the latest
 * checkpoint, and the journal entries after it (one raw statement per page, only the columns a
 * fold reads: a million entries must page in seconds).
 */
export class PrismaQueueHistory implements QueueHistory {
  constructor(private readonly db: Database) {}

  async claimBuild(eventId: string): Promise<StoreBuild | null> {
    const rows = await this.db.prisma.$queryRawUnsafe<{ store_epoch: string; builds_before: number }[]>(
      `UPDATE events SET store_epoch = COALESCE(store_epoch, $2), store_builds = store_builds + 1
        WHERE event_id = $1
        RETURNING store_epoch, store_builds - 1 AS builds_before`,
      eventId,
      randomBytes(9).toString('base64url'),
    );
    if (rows.length === 0) return null;
    return { epoch: rows[0].store_epoch, builtBefore: Number(rows[0].builds_before) > 0 };
  }

  async epochOf(eventId: string): Promise<string | null> {
    const row = await this.db.prisma.event.findUnique({ where: { eventId }, select: { storeEpoch: true } });
    return row?.storeEpoch ?? null;
  }

  async pendingSince(eventId: string, afterOffset: number): Promise<PendingHistory> {
    const rows = await this.db.prisma.$queryRawUnsafe<{ count: bigint | number; oldest: Date | null }[]>(
      `SELECT count(*) AS count, min(created_at) AS oldest FROM journal_entries WHERE event_id = $1 AND "offset" > $2`,
      eventId,
      afterOffset,
    );
    return { after: afterOffset, count: Number(rows[0]?.count ?? 0), oldest: rows[0]?.oldest ? new Date(rows[0].oldest) : null };
  }

  async latestCheckpoint(eventId: string, epoch: string): Promise<QueueCheckpoint | null> {
    const row = await this.db.prisma.queueCheckpoint.findFirst({ where: { eventId, epoch }, orderBy: { offset: 'desc' } });
    if (!row) return null;
    return { eventId, epoch, offset: Number(row.offset), state: row.state as unknown as CheckpointState };
  }

  async entriesAfter(eventId: string, afterOffset: number, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<EntryRow[]>(
      `SELECT "offset", type, user_id, payload, source_key FROM journal_entries
        WHERE event_id = $1 AND "offset" > $2 ORDER BY "offset" LIMIT $3`,
      eventId,
      afterOffset,
      limit,
    );
    return rows.map((row) => ({
      offset: Number(row.offset),
      type: row.type,
      id: row.user_id,
      payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
      sourceKey: row.source_key,
    }));
  }

  /** Keeps the latest checkpoint of each event and the one before it; older ones go. */
  async saveCheckpoint(checkpoint: QueueCheckpoint, createdAt: Date): Promise<void> {
    const { eventId, epoch, offset, state } = checkpoint;
    await this.db.prisma.$transaction([
      this.db.prisma.queueCheckpoint.upsert({
        where: { eventId_offset: { eventId, offset: BigInt(offset) } },
        create: { eventId, epoch, offset: BigInt(offset), state: state as unknown as Prisma.InputJsonObject, createdAt },
        update: {},
      }),
      this.db.prisma.$executeRawUnsafe(
        `DELETE FROM queue_checkpoints WHERE event_id = $1 AND "offset" < (
           SELECT "offset" FROM queue_checkpoints WHERE event_id = $1 ORDER BY "offset" DESC OFFSET 1 LIMIT 1)`,
        eventId,
      ),
    ]);
  }
}
