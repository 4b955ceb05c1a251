import type { Prisma } from '@foyer/persistence';

type Tx = Prisma.TransactionClient;

/** The columns of a message a dispatcher needs to deliver it, for RETURNING clauses. */
export const DELIVERY_COLUMNS = `m.id AS "pk", m.message_id AS "messageId", m.group_id AS "groupId", m.webhook_id AS "webhookId",
  m.callback_url AS "callbackUrl", m.body, m.on_dead::text AS "onDead", m.attempts`;

/**
 * Of the messages `m`, those a group waits on: still to be delivered (PENDING, or PROCESSING under
 * a lease that may have run out) or halting it (DEAD with onDead HALT). A group's head is the
 * lowest-seq of them; DONE, SKIPPED and DEAD-with-CONTINUE messages are behind the group. The
 * partial index `callback_messages_open_idx` holds exactly these.
 */
export const OPEN_MESSAGE = `(m.status IN ('PENDING', 'PROCESSING') OR (m.status = 'DEAD' AND m.on_dead = 'HALT'))`;

/**
 * Schedules a group for its head after a change to its messages (due time, halted, or idle), in one
 * statement. The caller holds the group row's lock, and the change it made is committed to this
 * transaction before this statement (which reads it).
 */
async function scheduleGroup(tx: Tx, groupId: string): Promise<void> {
  await tx.$queryRawUnsafe(
    `WITH moving AS (
       SELECT $1::text AS group_id
     ), head AS (
       SELECT m.group_id, m.id, m.status, m.next_attempt_at FROM callback_messages m
        WHERE m.group_id = $1 AND ${OPEN_MESSAGE}
        ORDER BY m.seq LIMIT 1
     ), ${claimOrScheduleHeads({ claimId: 'NULL', leaseMs: '0' })}
     SELECT * FROM claimed`,
    groupId,
  );
}

/**
 * The two CTEs that move groups on, after a `moving` CTE (group_id of each group to move; the
 * statement holds their row locks) and a `head` CTE (group_id, id, status, next_attempt_at of each
 * one's head; no row for a group without one). `claimed` marks every head that is due PROCESSING
 * and returns its delivery columns, when `claimId` is not null; `moved` then leases each group
 * whose head was claimed to that claim, and schedules every other for its head: its due time,
 * halted for a DEAD head, idle without one. The options are SQL: the statement's placeholders,
 * and an extra condition for claiming.
 */
export function claimOrScheduleHeads(sql: { claimId: string; leaseMs: string; claimableIf?: string }): string {
  return `claimed AS (
       UPDATE callback_messages m SET status = 'PROCESSING'
         FROM head
        WHERE m.id = head.id AND ${sql.claimId}::text IS NOT NULL AND head.status <> 'DEAD' AND head.next_attempt_at <= now()
          ${sql.claimableIf ? `AND ${sql.claimableIf}` : ''}
       RETURNING ${DELIVERY_COLUMNS}
     ), moved AS (
       UPDATE callback_groups g SET
         claim_id = CASE WHEN c."groupId" IS NOT NULL THEN ${sql.claimId}::text END,
         ready_at = CASE
           WHEN c."groupId" IS NOT NULL THEN now() + ${sql.leaseMs}::int * interval '1 millisecond'
           WHEN h.status = 'DEAD' THEN NULL
           ELSE h.next_attempt_at END,
         halted = COALESCE(h.status = 'DEAD', false)
       FROM moving mv
         LEFT JOIN head h ON h.group_id = mv.group_id
         LEFT JOIN claimed c ON c."groupId" = mv.group_id
       WHERE g.group_id = mv.group_id
     )`;
}

/** Recomputes a group's schedule after a change to its messages, unless a delivery holds it. */
export async function rescheduleIfFree(tx: Tx, groupId: string): Promise<void> {
  const rows = await tx.$queryRawUnsafe<{ claimId: string | null }[]>(
    `SELECT claim_id AS "claimId" FROM callback_groups WHERE group_id = $1 FOR UPDATE`,
    groupId,
  );
  // A held group is rescheduled by its holder when the delivery completes.
  if (rows.length === 0 || rows[0].claimId !== null) return;
  await scheduleGroup(tx, groupId);
}
