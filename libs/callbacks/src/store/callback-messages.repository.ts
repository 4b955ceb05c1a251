import type { Database } from '@foyer/persistence';
import type { CallbackMessage, CallbackStatus, NewCallback } from '../message/callback-message.js';
import { insertMessage } from './insert-message.js';
import { rescheduleIfFree } from './group-state.js';
import { MESSAGE_COLUMNS, toDate, toMessage } from './message-rows.js';

export interface AcceptOutcome {
  /** false: a message with this messageId existed already (see `sameContent`). */
  inserted: boolean;
  /** Whether the stored message has the content that was posted now. */
  sameContent: boolean;
  message: CallbackMessage;
}

export interface AttemptRecord {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
}

export interface ListQuery {
  status?: CallbackStatus;
  groupId?: string;
  /** Only messages accepted after the one with this cursor. */
  after?: bigint;
  limit: number;
}

export type ReplayOutcome = { found: false } | { found: true; wasDead: false } | { found: true; wasDead: true; message: CallbackMessage };

export interface BacklogStats {
  backlog: number;
  oldestPendingAgeSeconds: number;
  dead: number;
}

/**
 * `callback_messages` for producers and admins: accepting, reading, listing, retry and skip.
 * A messageId is unique by constraint, and a message's place in its group is the group row's next
 * seq, taken under that row's lock in the same statement that inserts the message.
 */
export class CallbackMessagesRepository {
  constructor(private readonly db: Database) {}

  async accept(message: NewCallback): Promise<AcceptOutcome> {
    // Twice at most: the only way the second read finds nothing is a message purged in between.
    for (let round = 0; round < 2; round++) {
      const inserted = await insertMessage(this.db.prisma, message);
      if (inserted) return { inserted: true, sameContent: true, message: inserted };
      const existing = await this.findWithHash(message.messageId);
      if (existing) {
        return { inserted: false, sameContent: existing.contentHash === message.contentHash, message: existing.message };
      }
    }
    throw new Error(`message '${message.messageId}' neither inserted nor found`);
  }

  async find(messageId: string): Promise<CallbackMessage | null> {
    return (await this.findWithHash(messageId))?.message ?? null;
  }

  private async findWithHash(messageId: string): Promise<{ message: CallbackMessage; contentHash: string } | null> {
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${MESSAGE_COLUMNS}, m.content_hash AS "contentHash" FROM callback_messages m WHERE m.message_id = $1`,
      messageId,
    );
    return rows.length === 0 ? null : { message: toMessage(rows[0]), contentHash: rows[0].contentHash as string };
  }

  /** In acceptance order (per group, that is delivery order). */
  async list(query: ListQuery): Promise<CallbackMessage[]> {
    const conditions = ['m.id > $1'];
    const params: unknown[] = [query.after ?? 0n];
    if (query.status) {
      params.push(query.status);
      conditions.push(`m.status = $${params.length}::callback_status`);
    }
    if (query.groupId !== undefined) {
      params.push(query.groupId);
      conditions.push(`m.group_id = $${params.length}`);
    }
    params.push(query.limit);
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM callback_messages m WHERE ${conditions.join(' AND ')} ORDER BY m.id LIMIT $${params.length}`,
      ...params,
    );
    return rows.map(toMessage);
  }

  async attempts(pk: bigint): Promise<AttemptRecord[]> {
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT attempt, started_at AS "startedAt", duration_ms AS "durationMs", status_code AS "statusCode",
              error, succeeded
         FROM callback_attempts WHERE message_pk = $1 ORDER BY id`,
      pk,
    );
    return rows.map((row) => ({
      attempt: Number(row.attempt),
      startedAt: toDate(row.startedAt),
      durationMs: Number(row.durationMs),
      statusCode: row.statusCode === null ? null : Number(row.statusCode),
      error: (row.error as string | null) ?? null,
      succeeded: row.succeeded === true,
    }));
  }

  /** A DEAD message back to the head of its group, with a fresh count of attempts. */
  retry(messageId: string): Promise<ReplayOutcome> {
    return this.replay(messageId, `status = 'PENDING', attempts = 0, next_attempt_at = now(), processed_at = NULL, processed_status = NULL`);
  }

  /** A DEAD message becomes SKIPPED and stops holding its group. */
  skip(messageId: string): Promise<ReplayOutcome> {
    return this.replay(messageId, `status = 'SKIPPED', processed_at = now(), processed_status = 'FAILED'`);
  }

  private replay(messageId: string, assignments: string): Promise<ReplayOutcome> {
    return this.db.prisma.$transaction(async (tx) => {
      const found = await tx.$queryRawUnsafe<{ groupId: string }[]>(`SELECT group_id AS "groupId" FROM callback_messages WHERE message_id = $1`, messageId);
      if (found.length === 0) return { found: false } as const;
      // The group's row first, as every writer of a group's messages takes it: that orders
      // this change with deliveries completing and messages arriving.
      await tx.$queryRawUnsafe(`SELECT 1 AS locked FROM callback_groups WHERE group_id = $1 FOR UPDATE`, found[0].groupId);
      const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(
        `UPDATE callback_messages m SET ${assignments} WHERE m.message_id = $1 AND m.status = 'DEAD' RETURNING ${MESSAGE_COLUMNS}`,
        messageId,
      );
      if (rows.length === 0) return { found: true, wasDead: false } as const;
      await rescheduleIfFree(tx, found[0].groupId);
      return { found: true, wasDead: true, message: toMessage(rows[0]) } as const;
    });
  }

  async stats(): Promise<BacklogStats> {
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT
         (SELECT count(*) FROM callback_messages WHERE status IN ('PENDING', 'PROCESSING'))::int AS "backlog",
         (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)
            FROM callback_messages WHERE status IN ('PENDING', 'PROCESSING'))::float8 AS "oldest",
         (SELECT count(*) FROM callback_messages WHERE status = 'DEAD')::int AS "dead"`,
    );
    const row = rows[0];
    return { backlog: Number(row.backlog), oldestPendingAgeSeconds: Math.max(0, Number(row.oldest)), dead: Number(row.dead) };
  }
}
