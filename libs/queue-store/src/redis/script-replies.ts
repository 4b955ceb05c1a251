/**
 * What the scripts answer, turned into the port's typed results. Every script that reports an
 * outcome answers a compact array whose first element is a code from `lua/includes/replies.lua`
 * (mirrored here; redis-scripts.test.ts checks both lists agree). Codes name facts; this is the
 * one place that knows what each fact means to each operation.
 */
import {
  EXPIRED_REASONS,
  EVENT_STATUSES,
  type EnterResult,
  type EventStatus,
  type ExitResult,
  type ExpiredReason,
  type Place,
  type PlaceState,
  type PollResult,
  type VerifyResult,
} from '@foyer/domain';

export const REPLY = {
  NO_EVENT: 0,
  NOT_OPEN: 1,
  ALREADY_QUEUED: 2,
  BLOCKED: 3,
  TOO_FREQUENT: 4,
  EXITED_NOW: 5,
  ENDED_BY_EXIT: 6,
  ENDED_BY_CLOCK: 7,
  NO_SESSION: 8,
  VALID: 9,
  KEY_REUSED: 10,
  HELD: 11,
  WAIT: 20,
  ENTER: 21,
  BLOCK: 22,
  EXPIRED: 23,
} as const;

/** Who asked: enough to name the place a reply describes. */
export interface Asker {
  eventId: string;
  id: string;
}

type Reply = readonly (string | number | null)[];

export function decodeReply(op: 'enter', reply: unknown, asker: Asker): EnterResult;
export function decodeReply(op: 'poll', reply: unknown, asker: Asker): PollResult;
export function decodeReply(op: 'exit', reply: unknown, asker: Asker): ExitResult;
export function decodeReply(op: 'verify', reply: unknown, asker: Asker): VerifyResult;
export function decodeReply(op: 'enter' | 'poll' | 'exit' | 'verify', reply: unknown, asker: Asker): EnterResult | PollResult | ExitResult | VerifyResult {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number') throw unexpected(op, reply);
  const r = reply as Reply;
  switch (r[0]) {
    case REPLY.NO_EVENT:
      return op === 'verify' ? { valid: false, reason: 'EVENT_NOT_FOUND' } : { outcome: 'NO_EVENT' };
    case REPLY.NOT_OPEN:
      return { outcome: 'NOT_OPEN', status: oneOf(EVENT_STATUSES, r[1], op) satisfies EventStatus };
    case REPLY.ALREADY_QUEUED:
      return { outcome: 'ALREADY_QUEUED' };
    case REPLY.BLOCKED:
      return { outcome: 'BLOCKED' };
    case REPLY.TOO_FREQUENT:
      return { outcome: 'TOO_FREQUENT', retryAfterMs: Number(r[1]) };
    case REPLY.EXITED_NOW:
      return { outcome: 'EXITED', admitted: Number(r[1]) };
    case REPLY.ENDED_BY_EXIT:
      return op === 'verify' ? { valid: false, reason: 'EXITED' } : { outcome: 'ALREADY_EXITED' };
    case REPLY.ENDED_BY_CLOCK:
      return op === 'verify' ? { valid: false, reason: 'EXPIRED' } : { outcome: 'EXPIRED' };
    case REPLY.NO_SESSION:
      return op === 'verify' ? { valid: false, reason: 'INVALID' } : { outcome: 'EXPIRED' };
    case REPLY.VALID:
      return { valid: true, expiresAt: Number(r[1]) };
    case REPLY.KEY_REUSED:
      return { outcome: 'KEY_REUSED' };
    case REPLY.HELD:
      return { outcome: 'HELD', state: placeState(r.slice(1), asker, op) };
  }
  const state = placeState(r, asker, op);
  if (op === 'poll') return { outcome: 'STATE', state };
  if (state.status === 'WAIT' || state.status === 'ENTER') return { outcome: 'PLACED', state };
  throw unexpected(op, reply);
}

/**
 * The heartbeat script's answer, one integer: the rank (>= 1) of a waiter whose heartbeat was
 * taken, minus the retry-after ms (< 0) of a refused one, or 0 when the full poll script must answer.
 */
export function decodeHeartbeat(reply: unknown): number {
  if (typeof reply !== 'number' || !Number.isSafeInteger(reply)) throw unexpected('heartbeat', reply);
  return reply;
}

/** `{code, seq, epoch, ...}`: WAIT rank rate | ENTER admittedAt expiresAt token | BLOCK | EXPIRED reason. */
function placeState(r: Reply, asker: Asker, op: string): PlaceState {
  const place: Place = { eventId: asker.eventId, id: asker.id, seq: Number(r[1]), epoch: String(r[2]) };
  switch (r[0]) {
    case REPLY.WAIT:
      return { status: 'WAIT', place, rank: Number(r[3]), measuredRate: parseRate(r[4]) };
    case REPLY.ENTER:
      return {
        status: 'ENTER',
        place,
        session: { admittedAt: Number(r[3]), expiresAt: Number(r[4]), successToken: r[5] == null ? null : String(r[5]) },
      };
    case REPLY.BLOCK:
      return { status: 'BLOCK', place };
    case REPLY.EXPIRED:
      return { status: 'EXPIRED', place, reason: oneOf(EXPIRED_REASONS, r[3], op) satisfies ExpiredReason };
  }
  throw unexpected(op, r);
}

/** The stored rate: a number, or "" / absent while there is no measurement. */
export function parseRate(raw: unknown): number | null {
  if (raw == null || raw === '') return null;
  const rate = Number(raw);
  return Number.isFinite(rate) ? rate : null;
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, op: string): T {
  if (allowed.includes(value as T)) return value as T;
  throw unexpected(op, value);
}

function unexpected(op: string, reply: unknown): Error {
  return new Error(`unexpected reply from the ${op} script: ${JSON.stringify(reply)}`);
}
