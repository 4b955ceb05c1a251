import type { EventStatus } from '../event.js';
import type { ExpiredReason } from '../queue-state.js';

/**
 * The queue store's ports. `RedisQueueStore` (one Lua script per operation) and
 * `MemoryQueueStore` implement them all and pass one contract suite (`test/queue-store.contract.ts`).
 *
 * Times are milliseconds since the epoch, taken from the store's own clock (Redis `TIME`, or the
 * injected clock of the memory store), never from the caller, so processes never disagree.
 */

/** The settings the queue operations need, in store units. Written from the event row. */
export interface QueueConfig {
  eventId: string;
  status: EventStatus;
  limitCnt: number;
  sessionTtlMs: number;
  waitTimeoutMs: number;
  /** A heartbeat sooner than this after the last one is refused (`TOO_FREQUENT`). */
  pollRefusalMs: number;
  blockReentry: boolean;
  /** The event row's `updatedAt` in ms: lets the scheduler see a stale cache. */
  version: number;
}

/** A place in the line, as a ticket names it. `epoch` changes when the store lost its state. */
export interface Place {
  eventId: string;
  id: string;
  seq: number;
  epoch: string;
}

export interface Session {
  admittedAt: number;
  expiresAt: number;
  /** The successToken stored for this session, `null` until one is saved. */
  successToken: string | null;
}

/** Where a place stands right now. */
export type PlaceState =
  | { status: 'WAIT'; place: Place; rank: number; measuredRate: number | null }
  | { status: 'ENTER'; place: Place; session: Session }
  | { status: 'BLOCK'; place: Place }
  | { status: 'EXPIRED'; place: Place; reason: ExpiredReason };

/** An enter's `Idempotency-Key`, as the store keeps it. */
export interface EnterKey {
  /** Lowercase hex SHA-256 of the key: the key is a bearer secret (it yields the ticket) and is never stored. */
  hash: string;
  /** The id a server-made place of this key has: derived from the key, so a retry names the same id. */
  serverId: string;
}

export interface EnterOptions {
  /** Recorded with the new place in the same atomic step, so a retry with it finds that place. */
  key?: EnterKey;
  /** The id is proven (an idToken on a `SIGNED` event): a live place or session it holds is answered (`HELD`). */
  answerHeld?: boolean;
}

export type EnterResult =
  | { outcome: 'PLACED'; state: Extract<PlaceState, { status: 'WAIT' | 'ENTER' }> }
  /** No new place: the current state of the one the key took, or that the proven id holds. */
  | { outcome: 'HELD'; state: PlaceState }
  /** The key took a place for another id. */
  | { outcome: 'KEY_REUSED' }
  | { outcome: 'BLOCKED' }
  | { outcome: 'ALREADY_QUEUED' }
  | { outcome: 'NOT_OPEN'; status: EventStatus }
  | { outcome: 'NO_EVENT' };

export type PollResult = { outcome: 'STATE'; state: PlaceState } | { outcome: 'TOO_FREQUENT'; retryAfterMs: number } | { outcome: 'NO_EVENT' };

export type ExitResult = { outcome: 'EXITED'; admitted: number } | { outcome: 'ALREADY_EXITED' } | { outcome: 'EXPIRED' } | { outcome: 'NO_EVENT' };

export type VerifyResult = { valid: true; expiresAt: number } | { valid: false; reason: 'INVALID' | 'EXPIRED' | 'EXITED' | 'EVENT_NOT_FOUND' };

/** What one scheduler pass did. */
export interface SweepResult {
  /** Sessions that reached `expiresAt`. */
  expired: number;
  /** Waiters whose last heartbeat is older than the wait timeout. */
  abandoned: number;
  /** Waiters whose place ended because the event was closed. */
  removed: number;
}

export interface PromoteResult {
  admitted: number;
  abandoned: number;
}

export interface QueueStats {
  waiting: number;
  active: number;
  admittedTotal: number;
  exitedTotal: number;
  expiredTotal: number;
  abandonedTotal: number;
}

/**
 * What the queue stores journal. Every payload carries `seq` (the user's entries) and `epoch`.
 * `queue.configured` is about the event, not a user (its id is ""): the store's settings were
 * written (`closedSeq`) or rebuilt (`seq` it continues from, `lost` ranges).
 */
export const JOURNAL_TYPES = ['user.entered', 'user.admitted', 'user.exited', 'user.expired', 'user.abandoned', 'user.removed', 'queue.configured'] as const;
export type QueueJournalType = (typeof JOURNAL_TYPES)[number];

/** One change, written by the same atomic operation as the change (the event's outbox). */
export interface QueueJournalEntry {
  /** Unique within the event, increasing (a Redis stream id such as `1700000000000-0`). */
  entryId: string;
  type: QueueJournalType;
  eventId: string;
  id: string;
  at: number;
  payload: Record<string, unknown>;
}

/**
 * The line itself: places, sessions and the cached settings of each event, one atomic operation
 * per method. What the contract suite checks both stores against.
 */
export interface QueueOperations {
  /**
   * Writes the cached settings of an event the store holds, and journals `queue.configured`. A
   * switch into `DRAFT` or `CLOSED` ends every place taken before it (they answer `EVENT_CLOSED` at
   * once and are removed by `sweep`); sessions run out. A config whose `version` is older than the
   * cached one is ignored, so a writer that read the row before a newer change never undoes it.
   * Returns `false` when the store does not hold the event: it never makes one (only a rebuild,
   * `QueueRebuild`, does), so a store that lost its state is never quietly started afresh.
   */
  configure(config: QueueConfig): Promise<boolean>;

  /** The `version` of the cached settings, `null` when the store has none for the event. */
  configVersion(eventId: string): Promise<number | null>;

  /**
   * Takes a new place for `id`: admitted at once when the event is OPEN, nobody waits and there is
   * room, else at the back of the line. A lapsed place or session of `id` is ended first (and
   * journaled). A heartbeat.
   *
   * With `options.key`: a key seen before answers, before anything else but NO_EVENT, `HELD` (the
   * current state of its place, however long ago it lapsed, never a new place) for the same id and
   * `KEY_REUSED` for another; a new key is recorded with the new place (journaled as `idem`), and
   * kept until the id takes another place or the event is dropped.
   */
  enter(eventId: string, id: string, options?: EnterOptions): Promise<EnterResult>;

  /** The current state of a place; a waiter's poll is a heartbeat (paced by `pollRefusalMs`). */
  poll(place: Place): Promise<PollResult>;

  /** Stores the successToken of the place's session once; returns the one stored (`null`: no such session). */
  saveSuccessToken(place: Place, successToken: string): Promise<string | null>;

  /** Ends the place's session and, when the event is OPEN with room, admits the next waiter at once. */
  exit(place: Place): Promise<ExitResult>;

  /** Whether the place's session is active now, by the clock. Changes nothing. */
  verify(place: Place): Promise<VerifyResult>;

  /** Admits up to `max` waiters into free slots, in arrival order, skipping stale ones. */
  promote(eventId: string, max: number): Promise<PromoteResult>;

  /** Ends up to `max` of each: sessions past `expiresAt`, stale waiters, waiters of a closed event. */
  sweep(eventId: string, max: number): Promise<SweepResult>;

  /** Refreshes the admission rate the ETA uses (admissions per second over a sliding window). */
  refreshRate(eventId: string): Promise<number | null>;

  stats(eventId: string): Promise<QueueStats>;

  /** Removes all queue state of an event except its journal. */
  dropEvent(eventId: string): Promise<void>;
}

/** A session of a rebuilt event: `[id, seq, admittedAt, expiresAt]`. */
export type RestoredSession = [id: string, seq: number, admittedAt: number, expiresAt: number];

/** One chunk of an event's state, as a rebuild from the journal writes it back. */
export interface RestoredPlaces {
  /** `[id, seq]`, any order (the line is ordered by seq). */
  waiting: [id: string, seq: number][];
  sessions: RestoredSession[];
  /** Ended sessions (the re-entry block): `X` exited, `S` ended by the clock. */
  done: [id: string, seq: number, kind: 'X' | 'S'][];
  /** Idempotency keys of live places and sessions: `[SHA-256 hex of the key, id]`. */
  idem: [hash: string, id: string][];
}

/** What a rebuild ends with: the event's settings, epoch, counters and arrival counter. */
export interface RestoredEvent {
  config: QueueConfig;
  epoch: string;
  /** The arrival counter to continue from: above every seq the journal saw, plus a gap. */
  seq: number;
  closedSeq: number;
  /** `[from, to]` ranges of seqs that may have been handed out but never journaled: PLACE_LOST. */
  lost: [from: number, to: number][];
  totals: Omit<QueueStats, 'waiting' | 'active'>;
}

export type BeginRebuild = 'BEGUN' | 'HELD' | 'PRESENT';

/**
 * The one way an event comes into a store: rebuilt from the journal (for a new event, from an
 * empty one) under the event's rebuild lock, kept in the event's own Redis slot. While it runs the
 * store holds no settings for the event, so every operation answers as for an unknown event and
 * nobody is admitted; the settings are written last. A holder is a random token per attempt;
 * the lock lapses after `leaseMs` unless a chunk renews it, so a rebuilder that dies frees it.
 */
export interface QueueRebuild {
  /** `PRESENT`: the store holds the event; `HELD`: another holder rebuilds it; `BEGUN`: go on. */
  beginRebuild(eventId: string, holder: string, leaseMs: number): Promise<BeginRebuild>;
  /** Writes one chunk; `false` when the lock is no longer `holder`'s (then stop). */
  restoreChunk(eventId: string, holder: string, leaseMs: number, chunk: RestoredPlaces): Promise<boolean>;
  /** Makes the event live and releases the lock; `false` when the lock is no longer `holder`'s. */
  finishRebuild(eventId: string, holder: string, event: RestoredEvent): Promise<boolean>;
  /**
   * Registers again a session that a valid successToken proves and the rebuild could not restore
   * (admitted, but never forwarded to the journal): only on a rebuilt event, only while it runs by
   * the clock, and only when the id has no later history. Whether it did.
   */
  reregisterSession(place: Place, admittedAt: number, expiresAt: number): Promise<boolean>;
}

/** Each event's outbox: the journal entries the queue operations wrote, until they are forwarded. */
export interface QueueOutbox {
  /** The oldest `max` journal entries not yet acknowledged. */
  readJournal(eventId: string, max: number): Promise<QueueJournalEntry[]>;

  /** Forgets journal entries that were forwarded. */
  ackJournal(eventId: string, entryIds: string[]): Promise<void>;

  /** Forgets the whole journal of an event (after its deletion was forwarded). */
  dropJournal(eventId: string): Promise<void>;

  /** What the outbox holds that the journal does not have yet: the most a loss of the store would lose now. */
  journalBacklog(eventId: string): Promise<JournalBacklog>;
}

/** An event's outbox entries not yet forwarded to the journal. */
export interface JournalBacklog {
  pending: number;
  /** Age of the oldest of them on the store's clock, in ms; 0 when none is pending. */
  lagMs: number;
}

/** A fixed-window hit counter shared by every instance (the enter rate limit). */
export interface RateLimitStore {
  /** Counts one hit of `key` in the current window; `allowed: false` past `limit`. */
  hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

/** The store's connection: whether it answers, and its end at shutdown. */
export interface StoreConnection {
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Everything a store adapter provides (`RedisQueueStore`, `MemoryQueueStore`). Consumers inject
 * the one port they use, so each says what it touches: a rate limiter cannot drop an event.
 */
export interface QueueStore extends QueueOperations, QueueOutbox, QueueRebuild, RateLimitStore, StoreConnection {}
