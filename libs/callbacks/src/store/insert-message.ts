import type { Prisma, PrismaClient } from '@foyer/persistence';
import { newWebhookId, type CallbackMessage, type NewCallback } from '../message/callback-message.js';
import { MESSAGE_COLUMNS, toMessage } from './message-rows.js';

/**
 * Inserts a message as the next of its group, in one statement: the group row is upserted first
 * (taking its lock, and waking an idle group), and the message takes that row's next seq, so the
 * order of acceptance in a group is the order of delivery. A messageId that exists already makes
 * the statement do nothing (the unique constraint decides, after waiting for a concurrent insert
 * of the same id to commit or roll back) and returns null.
 */
export async function insertMessage(client: PrismaClient | Prisma.TransactionClient, message: NewCallback): Promise<CallbackMessage | null> {
  const rows = await client.$queryRawUnsafe<Record<string, unknown>[]>(
    `WITH grp AS (
       INSERT INTO callback_groups AS g (group_id, last_seq, ready_at) VALUES ($1, 1, now())
       ON CONFLICT (group_id) DO UPDATE
         SET last_seq = g.last_seq + 1,
             ready_at = CASE WHEN g.ready_at IS NULL AND NOT g.halted THEN now() ELSE g.ready_at END
       RETURNING last_seq
     ), m AS (
       INSERT INTO callback_messages
         (message_id, group_id, seq, webhook_id, callback_url, body, content_hash, on_dead, status,
          attempts, next_attempt_at, created_at)
       SELECT $2, $1, grp.last_seq, $3, $4, $5, $6, $7::callback_on_dead, 'PENDING', 0, now(), now() FROM grp
       ON CONFLICT (message_id) DO NOTHING
       RETURNING *
     )
     SELECT ${MESSAGE_COLUMNS} FROM m`,
    message.groupId,
    message.messageId,
    // Made here, once: every attempt of the message carries this same webhook-id.
    newWebhookId(),
    message.callbackUrl,
    message.body,
    message.contentHash,
    message.onDead,
  );
  return rows.length === 0 ? null : toMessage(rows[0]);
}
