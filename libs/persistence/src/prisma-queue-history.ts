import { randomBytes } from 'node:crypto';
import type { CheckpointState, HistoryEntry, PendingHistory, QueueCheckpoint, QueueHistory, StoreBuild } from '@foyer/domain';
import type { Database } from './database.js';
import type { Prisma } from './generated/prisma/client.js';

/** ASCII record and unit separators: a page of entries as one text. */
const RS = '\x1e';
const US = '\x1f';
const RS_SQL = "E'\\x1e'";
const US_SQL = "E'\\x1f'";

/** `offset US type US payload US sourceKey US userId` (no userId: an entry about the event). */
function toHistoryEntry(text: string): HistoryEntry {
  const [offset, type, payload, sourceKey, id] = text.split(US);
  return {
    offset: Number(offset),
    type,
    id: id ?? null,
    payload: JSON.parse(payload) as Record<string, unknown>,
    sourceKey: sourceKey === '' ? null : sourceKey,
  };
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

  /**
   * A page comes back as one text (entries split by RS, fields by US): the driver's per-row and
   * per-field work was most of the cost of reading a million entries. Ids and types hold no
   * control characters (they are validated), and a payload's JSON escapes its own.
   */
  async entriesAfter(eventId: string, afterOffset: number, limit: number): Promise<HistoryEntry[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<{ page: string | null }[]>(
      `SELECT string_agg(concat_ws(${US_SQL}, "offset", type, payload::text, COALESCE(source_key, ''), user_id), ${RS_SQL} ORDER BY "offset") AS page
         FROM (SELECT "offset", type, user_id, payload, source_key FROM journal_entries
                WHERE event_id = $1 AND "offset" > $2 ORDER BY "offset" LIMIT $3) AS entries`,
      eventId,
      afterOffset,
      limit,
    );
    const page = rows[0]?.page;
    if (!page) return [];
    return page.split(RS).map(toHistoryEntry);
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
