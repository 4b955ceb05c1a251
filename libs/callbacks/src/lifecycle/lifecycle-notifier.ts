import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '@foyer/persistence';
import { DATABASE } from '@foyer/platform';
import { contentHash, type NewCallback } from '../message/callback-message.js';
import { insertMessage } from '../store/insert-message.js';

/** The journal entries an event's callbackUrl is notified of (API.md, lifecycle notifications). */
export const NOTIFIED_TYPES: readonly string[] = ['user.admitted', 'user.exited', 'user.expired', 'user.abandoned', 'user.removed'];

const CURSOR = 'lifecycle-notifications';
const BATCH = 500;

interface JournalRow {
  offset: bigint | string;
  type: string;
  eventId: string;
  userId: string | null;
  payload: unknown;
  createdAt: Date | string;
  callbackUrl: string | null;
}

/** The messageId of the notification of a journal entry: one per offset, so re-reading adds nothing. */
export function notificationMessageId(offset: bigint | number): string {
  return `journal:${offset}`;
}

/** The group of a user's notifications: they arrive in the order they happened. */
export function notificationGroupId(eventId: string, userId: string): string {
  return `${eventId}:${userId}`;
}

/**
 * Turns journal entries into ordered callbacks for events that have a callbackUrl. It reads the
 * journal after a cursor kept in `callback_cursors` and, in the same transaction, enqueues the
 * notifications and moves the cursor: the cursor row's lock lets one notifier at a time through,
 * and a message per journal offset (`journal:{offset}`) makes a repeated pass harmless.
 */
@Injectable()
export class LifecycleNotifier {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  /** One batch; returns how many journal entries it read and how many notifications it enqueued. */
  runOnce(): Promise<{ read: number; enqueued: number }> {
    return this.database.prisma.$transaction(async (tx) => {
      const cursor = await tx.$queryRawUnsafe<{ position: bigint | string }[]>(
        `SELECT position FROM callback_cursors WHERE name = $1 FOR UPDATE`,
        CURSOR,
      );
      const after = cursor.length === 0 ? 0n : BigInt(cursor[0].position);
      const rows = await tx.$queryRawUnsafe<JournalRow[]>(
        `SELECT j."offset" AS "offset", j.type, j.event_id AS "eventId", j.user_id AS "userId", j.payload,
                j.created_at AS "createdAt", e.callback_url AS "callbackUrl"
           FROM journal_entries j LEFT JOIN events e ON e.event_id = j.event_id
          WHERE j."offset" > $1
          ORDER BY j."offset"
          LIMIT $2`,
        after,
        BATCH,
      );
      if (rows.length === 0) return { read: 0, enqueued: 0 };
      let enqueued = 0;
      for (const row of rows) {
        const notification = toNotification(row);
        if (notification && (await insertMessage(tx, notification))) enqueued++;
      }
      const last = BigInt(rows[rows.length - 1].offset);
      await tx.$executeRawUnsafe(
        `INSERT INTO callback_cursors (name, position) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position`,
        CURSOR,
        last,
      );
      return { read: rows.length, enqueued };
    });
  }
}

function toNotification(row: JournalRow): NewCallback | null {
  if (!row.callbackUrl || row.userId === null || !NOTIFIED_TYPES.includes(row.type)) return null;
  const payload = typeof row.payload === 'object' && row.payload !== null ? (row.payload as Record<string, unknown>) : {};
  const { type: _type, eventId: _eventId, id: _id, at: _at, ...rest } = payload;
  const at = (row.createdAt instanceof Date ? row.createdAt : new Date(row.createdAt)).toISOString();
  const body = { type: row.type, eventId: row.eventId, id: row.userId, at, ...rest };
  const groupId = notificationGroupId(row.eventId, row.userId);
  return {
    messageId: notificationMessageId(BigInt(row.offset)),
    groupId,
    callbackUrl: row.callbackUrl,
    body: JSON.stringify(body),
    onDead: 'CONTINUE',
    contentHash: contentHash({ callbackUrl: row.callbackUrl, groupId, onDead: 'CONTINUE', body }),
  };
}
