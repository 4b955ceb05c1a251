import type { CallbackMessage } from '../message/callback-message.js';

/** The columns of `callback_messages` under the names of `CallbackMessage`, for raw queries. */
export const MESSAGE_COLUMNS = `
  m.id AS "pk", m.message_id AS "messageId", m.group_id AS "groupId", m.seq AS "seq",
  m.webhook_id AS "webhookId", m.callback_url AS "callbackUrl", m.body AS "body",
  m.on_dead::text AS "onDead", m.status::text AS "status", m.attempts AS "attempts",
  m.next_attempt_at AS "nextAttemptAt", m.last_status_code AS "lastStatusCode", m.last_error AS "lastError",
  m.created_at AS "createdAt", m.processed_at AS "processedAt", m.processed_status::text AS "processedStatus"`;

/** A message row with its content fingerprint, as the duplicate check needs it. */
export type MessageRow = CallbackMessage & { contentHash: string };

/** Raw drivers differ in how they hand back BIGINT (bigint or string) and numbers; this evens them out. */
export function toMessage(row: Record<string, unknown>): CallbackMessage {
  return {
    pk: BigInt(row.pk as bigint | string),
    messageId: row.messageId as string,
    groupId: row.groupId as string,
    seq: BigInt(row.seq as bigint | string),
    webhookId: row.webhookId as string,
    callbackUrl: row.callbackUrl as string,
    body: row.body as string,
    onDead: row.onDead as CallbackMessage['onDead'],
    status: row.status as CallbackMessage['status'],
    attempts: Number(row.attempts),
    nextAttemptAt: toDate(row.nextAttemptAt),
    lastStatusCode: row.lastStatusCode === null ? null : Number(row.lastStatusCode),
    lastError: (row.lastError as string | null) ?? null,
    createdAt: toDate(row.createdAt),
    processedAt: row.processedAt === null ? null : toDate(row.processedAt),
    processedStatus: (row.processedStatus as CallbackMessage['processedStatus']) ?? null,
  };
}

export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string);
}
