import type { Prisma } from '@foyer/persistence';

type Tx = Prisma.TransactionClient;

/** The columns of a message a dispatcher needs to deliver it, for RETURNING clauses. */
export const DELIVERY_COLUMNS = `m.id AS "pk", m.message_id AS "messageId", m.group_id AS "groupId", m.webhook_id AS "webhookId",
  m.callback_url AS "callbackUrl", m.body, m.on_dead::text AS "onDead", m.attempts`;

/** A group's first unfinished message: what the group waits on. */
export interface GroupHead {
  groupId: string;
  pk: bigint;
  status: 'PENDING' | 'PROCESSING' | 'DEAD';
  /** Its next attempt is due now. */
  due: boolean;
  nextAttemptAt: Date;
}

/**
 * The heads of groups: the lowest-seq message that is still to be delivered (PENDING, or
 * PROCESSING under a lease that may have run out) or that halts the group (DEAD with onDead HALT).
 * DONE, SKIPPED and DEAD-with-CONTINUE messages are behind the group.
 */
export async function groupHeads(tx: Tx, groupIds: string[]): Promise<Map<string, GroupHead>> {
  const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(
    `SELECT DISTINCT ON (group_id) group_id AS "groupId", id AS "pk", status::text AS "status",
            next_attempt_at AS "nextAttemptAt", (next_attempt_at <= now()) AS "due"
       FROM callback_messages
      WHERE group_id = ANY($1::text[])
        AND (status IN ('PENDING', 'PROCESSING') OR (status = 'DEAD' AND on_dead = 'HALT'))
      ORDER BY group_id, seq`,
    groupIds,
  );
  const heads = new Map<string, GroupHead>();
  for (const row of rows) {
    heads.set(row.groupId as string, {
      groupId: row.groupId as string,
      pk: BigInt(row.pk as bigint | string),
      status: row.status as GroupHead['status'],
      due: row.due === true,
      nextAttemptAt: row.nextAttemptAt instanceof Date ? row.nextAttemptAt : new Date(row.nextAttemptAt as string),
    });
  }
  return heads;
}

/** What a group row should say when nobody holds it, given its head. */
export interface GroupSchedule {
  groupId: string;
  readyAt: Date | null;
  halted: boolean;
}

export function scheduleFor(groupId: string, head: GroupHead | undefined): GroupSchedule {
  if (head === undefined) return { groupId, readyAt: null, halted: false };
  if (head.status === 'DEAD') return { groupId, readyAt: null, halted: true };
  return { groupId, readyAt: head.nextAttemptAt, halted: false };
}

/** Releases groups (no claim) with their new schedules. The caller holds their row locks. */
export async function releaseGroups(tx: Tx, schedules: GroupSchedule[]): Promise<void> {
  if (schedules.length === 0) return;
  await tx.$executeRawUnsafe(
    `UPDATE callback_groups g
        SET ready_at = v.ready_at::timestamptz, halted = v.halted, claim_id = NULL
       FROM unnest($1::text[], $2::text[], $3::boolean[]) AS v(group_id, ready_at, halted)
      WHERE g.group_id = v.group_id`,
    schedules.map((s) => s.groupId),
    schedules.map((s) => (s.readyAt ? s.readyAt.toISOString() : null)),
    schedules.map((s) => s.halted),
  );
}

/**
 * Takes the lease of the heads' groups (nobody else claims them until it runs out) and marks the
 * heads PROCESSING; returns their delivery columns.
 */
export async function leaseHeads(tx: Tx, heads: GroupHead[], claimId: string, leaseMs: number): Promise<Record<string, unknown>[]> {
  if (heads.length === 0) return [];
  return tx.$queryRawUnsafe<Record<string, unknown>[]>(
    `WITH grp AS (
       UPDATE callback_groups
          SET ready_at = now() + $3::int * interval '1 millisecond', claim_id = $2, halted = false
        WHERE group_id = ANY($1::text[])
     )
     UPDATE callback_messages m SET status = 'PROCESSING'
      WHERE m.id = ANY($4::bigint[])
     RETURNING ${DELIVERY_COLUMNS}`,
    heads.map((head) => head.groupId),
    claimId,
    leaseMs,
    heads.map((head) => String(head.pk)),
  );
}

/**
 * Moves a group on after a change to its messages, in one statement: finds its head (as
 * `groupHeads` does) and either claims it at once under `claimId` (when given and the head is due)
 * or schedules the group for it (due time, halted, or idle). Returns the claimed message's
 * delivery columns, or nothing. The caller holds the group row's lock, and the change it made
 * is committed to this transaction before this statement (which reads it).
 */
export async function advanceGroup(
  tx: Tx,
  groupId: string,
  claim: { claimId: string; leaseMs: number } | null,
): Promise<Record<string, unknown>[]> {
  return tx.$queryRawUnsafe<Record<string, unknown>[]>(
    `WITH head AS (
       SELECT id, status, next_attempt_at FROM callback_messages
        WHERE group_id = $1 AND (status IN ('PENDING', 'PROCESSING') OR (status = 'DEAD' AND on_dead = 'HALT'))
        ORDER BY seq LIMIT 1
     ), ${claimOrScheduleHead({ groupId: '$1', claimId: '$2', leaseMs: '$3' })}
     SELECT * FROM claimed`,
    groupId,
    claim?.claimId ?? null,
    claim?.leaseMs ?? 0,
  );
}

/**
 * The two CTEs that move a group on from a `head` CTE (id, status, next_attempt_at of the group's
 * head, or no row): `claimed` marks the head PROCESSING and returns its delivery columns when
 * `claimId` is not null and the head is due; `moved` then leases the group row to that claim, or
 * schedules it for the head (its due time; halted for a DEAD head; idle without one). The options
 * are SQL: the statement's placeholders, and extra conditions for claiming and for moving at all.
 */
export function claimOrScheduleHead(sql: { groupId: string; claimId: string; leaseMs: string; claimableIf?: string; movedIf?: string }): string {
  return `claimed AS (
       UPDATE callback_messages m SET status = 'PROCESSING'
         FROM head
        WHERE m.id = head.id AND ${sql.claimId}::text IS NOT NULL AND head.status <> 'DEAD' AND head.next_attempt_at <= now()
          ${sql.claimableIf ? `AND ${sql.claimableIf}` : ''}
       RETURNING ${DELIVERY_COLUMNS}
     ), moved AS (
       UPDATE callback_groups SET
         claim_id = CASE WHEN EXISTS (SELECT 1 FROM claimed) THEN ${sql.claimId}::text END,
         ready_at = CASE
           WHEN EXISTS (SELECT 1 FROM claimed) THEN now() + ${sql.leaseMs}::int * interval '1 millisecond'
           WHEN (SELECT status FROM head) = 'DEAD' THEN NULL
           ELSE (SELECT next_attempt_at FROM head) END,
         halted = COALESCE((SELECT status FROM head) = 'DEAD', false)
       WHERE group_id = ${sql.groupId} ${sql.movedIf ? `AND ${sql.movedIf}` : ''}
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
  await advanceGroup(tx, groupId, null);
}
