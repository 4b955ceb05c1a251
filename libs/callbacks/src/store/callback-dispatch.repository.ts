import { randomUUID } from 'node:crypto';
import type { Database } from '@foyer/persistence';
import type { OnDead } from '../message/callback-message.js';
import { claimOrScheduleHeads, OPEN_MESSAGE } from './group-state.js';

/** A message a dispatcher holds the lease of: deliver it, then `complete`. */
export interface ClaimedDelivery {
  claimId: string;
  pk: bigint;
  messageId: string;
  groupId: string;
  webhookId: string;
  callbackUrl: string;
  body: string;
  onDead: OnDead;
  /** This attempt's number, 1 for the first. */
  attempt: number;
}

/** How an attempt ended, as the dispatcher decided. */
export interface AttemptOutcome {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  startedAt: Date;
  durationMs: number;
  /** For a failure: DEAD now (no attempts left), or the wait before the next attempt. */
  dead: boolean;
  retryDelayMs: number;
}

export interface CompleteOptions {
  leaseMs: number;
  /** Take the group's next message at once when it is due (saves a claim round trip). */
  chain: boolean;
}

/** `complete`'s statement, built once: the same string on every run, which PostgreSQL keeps prepared. */
const COMPLETE_SQL = `WITH grp AS (
     SELECT claim_id FROM callback_groups WHERE group_id = $1 FOR UPDATE
   ), attempt AS (
     INSERT INTO callback_attempts (message_pk, attempt, started_at, duration_ms, status_code, error, succeeded)
     SELECT id, $3, $4::timestamptz, $5, $6, $7, $8 FROM callback_messages WHERE id = $2
   ), settled AS (
     UPDATE callback_messages SET
       status = $10::callback_status,
       attempts = $3,
       last_status_code = $6,
       last_error = $7,
       processed_at = CASE WHEN $10 = 'PENDING' THEN NULL ELSE now() END,
       processed_status = $11::callback_processed_status,
       next_attempt_at = CASE WHEN $10 = 'PENDING' THEN now() + $12::int * interval '1 millisecond' ELSE next_attempt_at END
     WHERE id = $2 AND EXISTS (SELECT 1 FROM grp WHERE claim_id = $9)
     RETURNING id, seq, status, on_dead, next_attempt_at
   ), moving AS (
     SELECT $1::text AS group_id WHERE EXISTS (SELECT 1 FROM settled)
   ), head AS (
     SELECT $1::text AS group_id, v.id, v.status, v.next_attempt_at FROM (
       (SELECT m.id, m.seq, m.status, m.next_attempt_at FROM callback_messages m
         WHERE m.group_id = $1 AND m.id <> $2 AND ${OPEN_MESSAGE}
         ORDER BY m.seq LIMIT 1)
       UNION ALL
       SELECT m.id, m.seq, m.status, m.next_attempt_at FROM settled m WHERE ${OPEN_MESSAGE}
     ) v
     WHERE EXISTS (SELECT 1 FROM settled)
     ORDER BY v.seq LIMIT 1
   ), ${claimOrScheduleHeads({ claimId: '$13', leaseMs: '$14', claimableIf: 'm.id <> $2' })}
   SELECT * FROM claimed`;

/**
 * `claim`'s statement: locks up to $1 due groups that no one else has locked, finds each one's
 * head (one index probe per group), claims the heads that are due under $2 with a lease of $3 ms,
 * and schedules the rest for their heads (a retry's time, halted, or idle).
 */
const CLAIM_SQL = `WITH moving AS (
     SELECT group_id FROM callback_groups
      WHERE ready_at <= now()
      ORDER BY ready_at
      LIMIT $1
      FOR UPDATE SKIP LOCKED
   ), head AS (
     SELECT mv.group_id, h.id, h.status, h.next_attempt_at FROM moving mv
      CROSS JOIN LATERAL (
        SELECT m.id, m.status, m.next_attempt_at FROM callback_messages m
         WHERE m.group_id = mv.group_id AND ${OPEN_MESSAGE}
         ORDER BY m.seq LIMIT 1
      ) h
   ), ${claimOrScheduleHeads({ claimId: '$2', leaseMs: '$3' })}
   SELECT * FROM claimed`;

/**
 * The dispatcher's side of `callback_messages` and `callback_groups`. A group row is claimed with
 * `FOR UPDATE SKIP LOCKED`, and the claim is a lease written into the row (`claim_id`, and
 * `ready_at` = the lease's end): while it holds, no other dispatcher takes the group, so a group
 * never has two deliveries in flight; when a dispatcher dies, the lease runs out and the group's
 * head is claimed again, same message, same webhook-id.
 */
export class CallbackDispatchRepository {
  constructor(private readonly db: Database) {}

  /** Claims the heads of up to `max` groups that are due. */
  async claim(max: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    if (max <= 0) return [];
    const claimId = randomUUID();
    const rows = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(CLAIM_SQL, max, claimId, leaseMs);
    return rows.map((row) => toDelivery(row, claimId));
  }

  /**
   * Records an attempt and moves its group on: the message becomes DONE, DEAD or PENDING (later),
   * and the group's next head is scheduled, or claimed at once when `chain` and it is due.
   * Returns that next delivery, or null. A dispatcher whose lease ran out (another one may hold
   * the group now) only records the attempt.
   *
   * One statement, sharing `claimOrScheduleHeads` with `claim`. Its parts see
   * the rows as they were before it, so the head is the first of: the group's first other open
   * message (one index probe, however many finished messages the group keeps), and the settled
   * message itself when its new status keeps it open (a retry, or DEAD that halts). The settled
   * message is never claimed again by the same statement (a retry waits for its time).
   */
  async complete(claim: ClaimedDelivery, outcome: AttemptOutcome, options: CompleteOptions): Promise<ClaimedDelivery | null> {
    const status = outcome.succeeded ? 'DONE' : outcome.dead ? 'DEAD' : 'PENDING';
    const processedStatus = outcome.succeeded ? 'SUCCEEDED' : outcome.dead ? 'FAILED' : null;
    const nextClaimId = options.chain ? randomUUID() : null;
    const [next] = await this.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      COMPLETE_SQL,
      claim.groupId,
      claim.pk,
      claim.attempt,
      outcome.startedAt.toISOString(),
      outcome.durationMs,
      outcome.statusCode,
      outcome.error,
      outcome.succeeded,
      claim.claimId,
      status,
      processedStatus,
      Math.round(outcome.retryDelayMs),
      nextClaimId,
      options.leaseMs,
    );
    return next && nextClaimId ? toDelivery(next, nextClaimId) : null;
  }

  /** Ms until the earliest group is due (0: now), or null when no group is scheduled. */
  async msUntilNextDue(): Promise<number | null> {
    const rows = await this.db.prisma.$queryRawUnsafe<{ ms: number | null }[]>(
      `SELECT (EXTRACT(EPOCH FROM (min(ready_at) - now())) * 1000)::float8 AS "ms"
         FROM callback_groups WHERE ready_at IS NOT NULL`,
    );
    const ms = rows[0]?.ms;
    return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
  }

  /** Removes up to `max` DONE and SKIPPED messages finished before `before`; returns how many. */
  async purgeFinished(before: Date, max: number): Promise<number> {
    return this.db.prisma.$executeRawUnsafe(
      `DELETE FROM callback_messages WHERE id IN (
         SELECT id FROM callback_messages
          WHERE status IN ('DONE', 'SKIPPED') AND processed_at < $1::timestamptz
          ORDER BY processed_at LIMIT $2)`,
      before.toISOString(),
      max,
    );
  }

  /**
   * Removes up to `max` group rows with no message left. A group row is locked by whoever adds
   * to it, so a row locked here (and checked again inside the lock) has no message on its way.
   */
  purgeEmptyGroups(max: number): Promise<number> {
    return this.db.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ groupId: string }[]>(
        `SELECT g.group_id AS "groupId" FROM callback_groups g
          WHERE g.ready_at IS NULL AND g.claim_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM callback_messages m WHERE m.group_id = g.group_id)
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        max,
      );
      if (rows.length === 0) return 0;
      return tx.$executeRawUnsafe(
        `DELETE FROM callback_groups g
          WHERE g.group_id = ANY($1::text[]) AND g.ready_at IS NULL AND g.claim_id IS NULL
            AND NOT EXISTS (SELECT 1 FROM callback_messages m WHERE m.group_id = g.group_id)`,
        rows.map((row) => row.groupId),
      );
    });
  }
}

function toDelivery(row: Record<string, unknown>, claimId: string): ClaimedDelivery {
  return {
    claimId,
    pk: BigInt(row.pk as bigint | string),
    messageId: row.messageId as string,
    groupId: row.groupId as string,
    webhookId: row.webhookId as string,
    callbackUrl: row.callbackUrl as string,
    body: row.body as string,
    onDead: row.onDead as OnDead,
    attempt: Number(row.attempts) + 1,
  };
}
