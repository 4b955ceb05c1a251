import {
  admits,
  measuredAdmissionRate,
  rateBucket,
  refusesEntry,
  staleRateBuckets,
  type EnterKey,
  type EnterOptions,
  type EnterResult,
  type ExitResult,
  type Place,
  type PlaceState,
  type PollResult,
  type PromoteResult,
  type QueueConfig,
  type QueueJournalType,
  type QueueStats,
  type RestoredEvent,
  type RestoredPlaces,
  type Session,
  type SweepResult,
  type VerifyResult,
} from '@foyer/domain';

import { EXIT_PROMOTE_MAX } from '../exit-promotion.js';
import { ExpiryQueue } from './expiry-queue.js';
import { FifoLine } from './fifo-line.js';
import type { MemoryJournal } from './memory-journal.js';
import type { EventQueueSnapshot } from './memory-snapshot.js';

interface SessionRecord {
  seq: number;
  admittedAt: number;
  expiresAt: number;
  successToken: string | null;
}

/** How a session ended: `X` exited, `S` ended by the clock. Also the re-entry block. */
interface DoneRecord {
  seq: number;
  kind: 'X' | 'S';
}

type Totals = EventQueueSnapshot['totals'];

/** What became of a place in the line (waiterFate in lua/includes/waiter-poll.lua). */
type WaiterFate = { fate: 'closed' } | { fate: 'stale' } | { fate: 'live'; lastSeen: number };
const CLOSED: WaiterFate = { fate: 'closed' };
const STALE: WaiterFate = { fate: 'stale' };

/**
 * The queue state of one event, held in memory: the Lua scripts of the Redis store, restated so the
 * two read side by side. One public method per script, in the order of SCRIPT_KEYS (`enter` is
 * enter-11.lua, `heartbeat` is heartbeat-3.lua, ...), each making the script's decisions in the
 * script's order; the private helpers below them are named and grouped like `lua/includes/`. The
 * rules the domain writes (refusesEntry, admits, the admission rate) are called, not restated.
 * The contract suite (test/queue-store.contract.ts) holds both stores to the same answers.
 *
 * Every method runs to completion synchronously, which is what makes each operation atomic, as a
 * script is in Redis. `now` comes from the store's clock.
 */
export class EventQueue {
  private readonly line = new FifoLine();
  /** Waiting ids → last heartbeat; Map order is heartbeat order (a heartbeat re-inserts), oldest first. */
  private readonly seen = new Map<string, number>();
  private readonly sessions = new Map<string, SessionRecord>();
  private readonly expiries = new ExpiryQueue();
  private readonly done = new Map<string, DoneRecord>();
  private readonly rateBuckets = new Map<number, number>();
  private totals: Totals = { admittedTotal: 0, exitedTotal: 0, expiredTotal: 0, abandonedTotal: 0 };
  private rate: number | null = null;
  private seq = 0;
  /** Places with a seq up to this one were taken before the event last closed. */
  private closedSeq = 0;
  /** The `idem` hash's two kinds of fields: key hash → the id whose place it took, and id → that hash. */
  private readonly keyIds = new Map<string, string>();
  private readonly keyOfId = new Map<string, string>();
  /** Seq ranges a rebuild could not restore (handed out, never journaled): PLACE_LOST. */
  private lost: [number, number][] = [];

  constructor(
    private config: QueueConfig,
    readonly epoch: string,
    private readonly journal: MemoryJournal,
  ) {}

  get version(): number {
    return this.config.version;
  }

  /** The admission rate refreshRate last stored: what a waiter's poll reports (RateCopies keeps it on Redis). */
  get measuredRate(): number | null {
    return this.rate;
  }

  // ---- one method per script -------------------------------------------------------------------

  /** configure-3.lua (the version check is the store's: it decides whether this runs at all). */
  configure(config: QueueConfig, now: number): void {
    if (refusesEntry(config.status) && !refusesEntry(this.config.status)) this.closedSeq = this.seq;
    this.config = config;
    this.log(now, 'queue.configured', '', { closedSeq: this.closedSeq });
  }

  /** enter-11.lua */
  enter(id: string, now: number, options: EnterOptions = {}): EnterResult {
    const { key, answerHeld = false } = options;
    if (key) {
      const keyed = this.keyedId(key);
      if (keyed !== undefined) {
        if (keyed !== id) return { outcome: 'KEY_REUSED' };
        return this.held(id, now);
      }
    }

    if (refusesEntry(this.config.status)) return { outcome: 'NOT_OPEN', status: this.config.status };

    const waitSeq = this.line.seqOf(id);
    if (waitSeq !== undefined) {
      const fate = this.waiterFate(id, waitSeq, now);
      if (fate.fate === 'live') return answerHeld ? this.held(id, now) : { outcome: 'ALREADY_QUEUED' };
      this.endWaiter(id, waitSeq, fate, now);
    }

    const session = this.sessions.get(id);
    if (session) {
      if (this.isRunning(session, now)) return answerHeld ? this.held(id, now) : { outcome: 'ALREADY_QUEUED' };
      this.endSession(id, session, 'S', now);
    }

    if (this.config.blockReentry && this.done.has(id)) return { outcome: 'BLOCKED' };

    const place = this.placeOf(id, ++this.seq);
    const journaledKey = this.recordKey(id, key);
    if (admits(this.config.status) && this.line.size === 0 && this.sessions.size < this.config.limitCnt) {
      const admitted = this.admitImmediately(id, place.seq, now, journaledKey);
      return { outcome: 'PLACED', state: { status: 'ENTER', place, session: this.sessionOf(admitted) } };
    }

    this.line.push(id, place.seq);
    this.seen.set(id, now);
    this.log(now, 'user.entered', id, { seq: place.seq, ...idemField(journaledKey) });
    // At the back, so its rank is the line's size (ZRANK + 1 in Lua).
    return { outcome: 'PLACED', state: { status: 'WAIT', place, rank: this.line.size, measuredRate: this.rate } };
  }

  /**
   * heartbeat-3.lua: a live waiter's poll, answered in one integer: the rank (>= 1) with the
   * heartbeat taken, -retryAfterMs (< 0) when refused, or 0 when not plainly waiting (then `poll`
   * settles and answers, as poll-9 does after heartbeat-3). Ends nothing.
   */
  heartbeat(place: Place, now: number): number {
    if (place.epoch !== this.epoch || this.isClosedPlace(place.seq) || this.line.seqOf(place.id) !== place.seq) return 0;
    const fate = this.waiterFate(place.id, place.seq, now);
    if (fate.fate !== 'live') return 0;
    return this.pollWaiter(place.id, fate.lastSeen, now);
  }

  /** poll-9.lua */
  poll(place: Place, now: number): PollResult {
    const state = (reached: PlaceState): PollResult => ({ outcome: 'STATE', state: reached });
    const echo = placeEcho(place);
    if (place.epoch !== this.epoch) return state({ status: 'EXPIRED', place: echo, reason: 'PLACE_LOST' });

    if (this.line.seqOf(place.id) === place.seq) {
      const fate = this.waiterFate(place.id, place.seq, now);
      if (fate.fate !== 'live') {
        return state({ status: 'EXPIRED', place: echo, reason: this.endWaiter(place.id, place.seq, fate, now) });
      }
      const rank = this.pollWaiter(place.id, fate.lastSeen, now);
      if (rank < 0) return { outcome: 'TOO_FREQUENT', retryAfterMs: -rank };
      return state({ status: 'WAIT', place: echo, rank, measuredRate: this.rate });
    }

    const session = this.sessions.get(place.id);
    if (session?.seq === place.seq) {
      if (this.isRunning(session, now)) return state({ status: 'ENTER', place: echo, session: this.sessionOf(session) });
      this.endSession(place.id, session, 'S', now);
    }

    const ended = this.done.get(place.id);
    if (ended?.seq === place.seq) {
      if (this.config.blockReentry) return state({ status: 'BLOCK', place: echo });
      return state({ status: 'EXPIRED', place: echo, reason: ended.kind === 'X' ? 'EXITED' : 'SESSION_ENDED' });
    }

    // Never journaled before the store was lost: nobody knows what became of it.
    if (this.isLostPlace(place.seq)) return state({ status: 'EXPIRED', place: echo, reason: 'PLACE_LOST' });
    // The place is gone: ended by the close, or swept after its heartbeat went stale.
    return state({ status: 'EXPIRED', place: echo, reason: this.isClosedPlace(place.seq) ? 'EVENT_CLOSED' : 'WAIT_TIMEOUT' });
  }

  /** save-token-3.lua */
  saveSuccessToken(place: Place, successToken: string, now: number): string | null {
    if (place.epoch !== this.epoch) return null;
    const session = this.sessions.get(place.id);
    if (!session || session.seq !== place.seq || !this.isRunning(session, now)) return null;
    session.successToken ??= successToken;
    return session.successToken;
  }

  /** exit-9.lua */
  exit(place: Place, now: number): ExitResult {
    if (place.epoch !== this.epoch) return { outcome: 'EXPIRED' }; // NO_SESSION

    const session = this.sessions.get(place.id);
    if (session?.seq === place.seq) {
      if (!this.isRunning(session, now)) {
        this.endSession(place.id, session, 'S', now);
        return { outcome: 'EXPIRED' }; // ENDED_BY_CLOCK
      }
      this.endSession(place.id, session, 'X', now);
      return { outcome: 'EXITED', admitted: this.promoteInto(EXIT_PROMOTE_MAX, now).admitted };
    }

    const ended = this.done.get(place.id);
    if (ended?.seq === place.seq) return ended.kind === 'X' ? { outcome: 'ALREADY_EXITED' } : { outcome: 'EXPIRED' };
    return { outcome: 'EXPIRED' }; // NO_SESSION
  }

  /** verify-3.lua */
  verify(place: Place, now: number): VerifyResult {
    if (place.epoch !== this.epoch) return { valid: false, reason: 'INVALID' }; // NO_SESSION

    const session = this.sessions.get(place.id);
    if (session?.seq === place.seq) {
      if (this.isRunning(session, now)) return { valid: true, expiresAt: session.expiresAt };
      return { valid: false, reason: 'EXPIRED' }; // ENDED_BY_CLOCK
    }

    const ended = this.done.get(place.id);
    if (ended?.seq === place.seq) return { valid: false, reason: ended.kind === 'X' ? 'EXITED' : 'EXPIRED' };
    return { valid: false, reason: 'INVALID' }; // NO_SESSION
  }

  /** reregister-9.lua */
  reregister(place: Place, admittedAt: number, expiresAt: number, now: number): boolean {
    if (place.epoch !== this.epoch || this.lost.length === 0 || expiresAt <= now) return false;
    const session = this.sessions.get(place.id);
    const ended = this.done.get(place.id);
    const waitSeq = this.line.seqOf(place.id);
    if ((session && session.seq >= place.seq) || (ended && ended.seq >= place.seq) || (waitSeq !== undefined && waitSeq > place.seq)) return false;
    // An older session or place of the id ended before this place was taken.
    if (session) this.endSession(place.id, session, 'S', now);
    if (waitSeq !== undefined && waitSeq < place.seq) {
      this.abandonWaiter(place.id, waitSeq, now);
    } else if (waitSeq !== undefined) {
      this.line.remove(place.id);
      this.seen.delete(place.id);
    }
    const restored: SessionRecord = { seq: place.seq, admittedAt, expiresAt, successToken: null };
    this.sessions.set(place.id, restored);
    this.trackExpiry(place.id, restored);
    this.totals.admittedTotal++;
    this.log(now, 'user.admitted', place.id, { ...this.admittedPayload(place.seq, restored, false), restored: true });
    return true;
  }

  /** promote-8.lua */
  promote(max: number, now: number): PromoteResult {
    return this.promoteInto(max, now);
  }

  /** sweep-9.lua: up to `max` of each, oldest first: ended sessions, stale waiters, waiters from before a close. */
  sweep(max: number, now: number): SweepResult {
    const result: SweepResult = { expired: 0, abandoned: 0, removed: 0 };

    while (result.expired < max) {
      const next = this.expiries.peek();
      if (!next || next.expiresAt > now) break; // isRunning: ends at expiresAt
      this.expiries.pop();
      const session = this.sessions.get(next.id);
      if (session?.seq !== next.seq || session.expiresAt !== next.expiresAt) continue; // ended already
      this.endSession(next.id, session, 'S', now);
      result.expired++;
    }

    const stale: string[] = [];
    for (const [id, lastSeen] of this.seen) {
      if (stale.length >= max || !this.isStale(lastSeen, now)) break; // oldest heartbeat first
      stale.push(id);
    }
    for (const id of stale) this.abandonWaiter(id, this.line.seqOf(id)!, now);
    result.abandoned = stale.length;

    // Places from before the close have the smallest seqs, so they are at the head of the line.
    while (result.removed < max) {
      const head = this.line.peek();
      if (!head || !this.isClosedPlace(head.seq)) break;
      this.removeWaiter(head.id, head.seq, now);
      result.removed++;
    }
    return result;
  }

  /** stats-3.lua */
  stats(): QueueStats {
    return { waiting: this.line.size, active: this.sessions.size, ...this.totals };
  }

  /** rate-buckets-2.lua, then set-rate-2.lua (the rule between them is the domain's). */
  refreshRate(now: number): number | null {
    const { limitCnt, sessionTtlMs } = this.config;
    this.rate = measuredAdmissionRate(this.rateBuckets, now, { limitCnt, sessionTtlSec: sessionTtlMs / 1000 });
    for (const bucket of staleRateBuckets(this.rateBuckets.keys(), now)) this.rateBuckets.delete(bucket);
    return this.rate;
  }

  // ---- lua/includes/config.lua (event-status.lua is @foyer/domain's refusesEntry and admits) -----

  private isClosedPlace(seq: number): boolean {
    return seq <= this.closedSeq;
  }

  private isLostPlace(seq: number): boolean {
    return this.lost.some(([from, to]) => seq >= from && seq <= to);
  }

  private oldestLiveHeartbeat(now: number): number {
    return now - this.config.waitTimeoutMs;
  }

  private isStale(lastSeen: number | undefined, now: number): boolean {
    return lastSeen === undefined || lastSeen < this.oldestLiveHeartbeat(now);
  }

  // ---- lua/includes/waiter-poll.lua -------------------------------------------------------------

  private waiterFate(id: string, seq: number, now: number): WaiterFate {
    if (this.isClosedPlace(seq)) return CLOSED;
    const lastSeen = this.seen.get(id);
    if (lastSeen === undefined || this.isStale(lastSeen, now)) return STALE;
    return { fate: 'live', lastSeen };
  }

  private pollWaiter(id: string, lastSeen: number, now: number): number {
    const sinceHeartbeat = now - lastSeen;
    if (sinceHeartbeat < this.config.pollRefusalMs) return -(this.config.pollRefusalMs - sinceHeartbeat);
    this.seen.delete(id); // re-insert at the back of the heartbeat order
    this.seen.set(id, now);
    return this.line.rank(id)!;
  }

  // ---- lua/includes/waiters.lua -----------------------------------------------------------------

  private abandonWaiter(id: string, seq: number, now: number): void {
    this.line.remove(id);
    this.seen.delete(id);
    this.totals.abandonedTotal++;
    this.log(now, 'user.abandoned', id, { seq });
  }

  private removeWaiter(id: string, seq: number, now: number): void {
    this.line.remove(id);
    this.seen.delete(id);
    this.log(now, 'user.removed', id, { seq, reason: 'EVENT_CLOSED' });
  }

  private endWaiter(id: string, seq: number, fate: WaiterFate, now: number): 'EVENT_CLOSED' | 'WAIT_TIMEOUT' {
    if (fate.fate === 'closed') {
      this.removeWaiter(id, seq, now);
      return 'EVENT_CLOSED';
    }
    this.abandonWaiter(id, seq, now);
    return 'WAIT_TIMEOUT';
  }

  // ---- lua/includes/sessions.lua ----------------------------------------------------------------

  private isRunning(session: SessionRecord, now: number): boolean {
    return session.expiresAt > now;
  }

  private countAdmissions(count: number, now: number): void {
    this.totals.admittedTotal += count;
    const bucket = rateBucket(now);
    this.rateBuckets.set(bucket, (this.rateBuckets.get(bucket) ?? 0) + count);
  }

  /** Not counted in the admission rate: it happens only while nobody waits. */
  private admitImmediately(id: string, seq: number, now: number, journaledKey: string | null): SessionRecord {
    const session = this.startSession(id, seq, now);
    this.totals.admittedTotal++;
    this.log(now, 'user.admitted', id, { ...this.admittedPayload(seq, session, true), ...idemField(journaledKey) });
    return session;
  }

  private endSession(id: string, session: SessionRecord, kind: DoneRecord['kind'], now: number): void {
    this.sessions.delete(id);
    this.done.set(id, { seq: session.seq, kind });
    if (kind === 'X') {
      this.totals.exitedTotal++;
      this.log(now, 'user.exited', id, { seq: session.seq });
    } else {
      this.totals.expiredTotal++;
      this.log(now, 'user.expired', id, { seq: session.seq });
    }
  }

  // ---- lua/includes/idempotency.lua -------------------------------------------------------------

  private hasRecord(id: string): boolean {
    return this.line.seqOf(id) !== undefined || this.sessions.has(id) || this.done.has(id);
  }

  private keyedId(key: EnterKey): string | undefined {
    const recorded = this.keyIds.get(key.hash);
    if (recorded !== undefined) return recorded;
    return this.hasRecord(key.serverId) ? key.serverId : undefined;
  }

  /** Returns the key hash recorded (the journal then carries it), or null. */
  private recordKey(id: string, key: EnterKey | undefined): string | null {
    const earlier = this.keyOfId.get(id);
    if (earlier !== undefined) {
      this.keyIds.delete(earlier);
      this.keyOfId.delete(id);
    }
    if (!key || id === key.serverId) return null;
    this.keyIds.set(key.hash, id);
    this.keyOfId.set(id, key.hash);
    return key.hash;
  }

  private held(id: string, now: number): EnterResult {
    const state = (reached: PlaceState): EnterResult => ({ outcome: 'HELD', state: reached });
    const waitSeq = this.line.seqOf(id);
    if (waitSeq !== undefined) {
      const fate = this.waiterFate(id, waitSeq, now);
      if (fate.fate !== 'live') return state({ status: 'EXPIRED', place: this.placeOf(id, waitSeq), reason: this.endWaiter(id, waitSeq, fate, now) });
      this.seen.delete(id); // the heartbeat, unpaced: re-insert at the back of the heartbeat order
      this.seen.set(id, now);
      return state({ status: 'WAIT', place: this.placeOf(id, waitSeq), rank: this.line.rank(id)!, measuredRate: this.rate });
    }
    const session = this.sessions.get(id);
    if (session) {
      if (this.isRunning(session, now)) return state({ status: 'ENTER', place: this.placeOf(id, session.seq), session: this.sessionOf(session) });
      this.endSession(id, session, 'S', now);
    }
    const ended = this.done.get(id);
    if (ended) {
      if (this.config.blockReentry) return state({ status: 'BLOCK', place: this.placeOf(id, ended.seq) });
      return state({ status: 'EXPIRED', place: this.placeOf(id, ended.seq), reason: ended.kind === 'X' ? 'EXITED' : 'SESSION_ENDED' });
    }
    // The place is gone: swept after its heartbeat went stale, or removed by a close.
    return state({ status: 'EXPIRED', place: this.placeOf(id, 0), reason: refusesEntry(this.config.status) ? 'EVENT_CLOSED' : 'WAIT_TIMEOUT' });
  }

  // ---- lua/includes/promote-into.lua ------------------------------------------------------------

  /** Takes at most `max` heads off the line: O(free · log N). Lua pops them in chunks; one at a time here. */
  private promoteInto(max: number, now: number): PromoteResult {
    const result: PromoteResult = { admitted: 0, abandoned: 0 };
    if (!admits(this.config.status)) return result;
    const free = this.config.limitCnt - this.sessions.size;
    let pops = 0;
    while (result.admitted < free && pops < max) {
      const head = this.line.peek();
      if (!head) break;
      pops++;
      if (this.isClosedPlace(head.seq)) {
        this.removeWaiter(head.id, head.seq, now);
      } else if (this.isStale(this.seen.get(head.id), now)) {
        this.abandonWaiter(head.id, head.seq, now);
        result.abandoned++;
      } else {
        this.line.remove(head.id);
        this.seen.delete(head.id);
        const session = this.startSession(head.id, head.seq, now);
        this.log(now, 'user.admitted', head.id, this.admittedPayload(head.seq, session, false));
        result.admitted++;
      }
    }
    if (result.admitted > 0) this.countAdmissions(result.admitted, now);
    return result;
  }

  // ---- lua/includes/journal.lua -----------------------------------------------------------------

  /** Every payload carries the epoch, so a rebuild reads only the entries of this store's event. */
  private log(now: number, type: QueueJournalType, id: string, payload: Record<string, unknown>): void {
    this.journal.append(now, type, id, { ...payload, epoch: this.epoch });
  }

  /** What the session's successToken is made of (jti is `epoch.seq`), so a rebuilt session answers the same claims. */
  private admittedPayload(seq: number, session: SessionRecord, immediate: boolean): Record<string, unknown> {
    return { seq, admittedAt: session.admittedAt, expiresAt: session.expiresAt, jti: `${this.epoch}.${seq}`, immediate };
  }

  // ---- the memory store's own ------------------------------------------------------------------

  /** The session's record and its place in the expiry order (Redis: its `sess` and `active` entries). */
  private startSession(id: string, seq: number, now: number): SessionRecord {
    const session: SessionRecord = { seq, admittedAt: now, expiresAt: now + this.config.sessionTtlMs, successToken: null };
    this.sessions.set(id, session);
    this.trackExpiry(id, session);
    return session;
  }

  private trackExpiry(id: string, session: SessionRecord): void {
    this.expiries.push({ id, seq: session.seq, expiresAt: session.expiresAt });
    // Ended sessions stay in the heap until their time comes; rebuild before they outnumber the running ones.
    if (this.expiries.size > 2 * this.sessions.size + 1024) this.rebuildExpiries();
  }

  private rebuildExpiries(): void {
    this.expiries.rebuild([...this.sessions].map(([id, s]) => ({ id, seq: s.seq, expiresAt: s.expiresAt })));
  }

  private placeOf(id: string, seq: number): Place {
    return { eventId: this.config.eventId, id, seq, epoch: this.epoch };
  }

  private sessionOf(session: SessionRecord): Session {
    return { admittedAt: session.admittedAt, expiresAt: session.expiresAt, successToken: session.successToken };
  }

  // ---- snapshot -----------------------------------------------------------------------------------

  toSnapshot(): EventQueueSnapshot {
    return {
      config: { ...this.config },
      epoch: this.epoch,
      closedSeq: this.closedSeq,
      lost: this.lost,
      seq: this.seq,
      waiting: [...this.line.places()].map(({ id, seq }) => [id, seq, this.seen.get(id)!]),
      sessions: [...this.sessions].map(([id, s]) => [id, s.seq, s.admittedAt, s.expiresAt, s.successToken]),
      done: [...this.done].map(([id, d]) => [id, d.seq, d.kind]),
      totals: { ...this.totals },
      rateBuckets: [...this.rateBuckets],
      rate: this.rate,
      idem: [...this.keyIds],
    };
  }

  /** restore-8.lua and finish-rebuild-5.lua, the chunks kept by the store until the finish. */
  static restored(event: RestoredEvent, chunks: readonly RestoredPlaces[], journal: MemoryJournal, now: number): EventQueue {
    const queue = new EventQueue({ ...event.config }, event.epoch, journal);
    const waiting = chunks.flatMap((chunk) => chunk.waiting).sort((a, b) => a[1] - b[1]);
    for (const [id, seq] of waiting) {
      queue.line.push(id, seq);
      queue.seen.set(id, now); // a fresh heartbeat: nobody could poll while the place was lost
    }
    for (const chunk of chunks) {
      for (const [id, seq, admittedAt, expiresAt] of chunk.sessions) queue.sessions.set(id, { seq, admittedAt, expiresAt, successToken: null });
      for (const [id, seq, kind] of chunk.done) queue.done.set(id, { seq, kind });
      for (const [hash, id] of chunk.idem) {
        queue.keyIds.set(hash, id);
        queue.keyOfId.set(id, hash);
      }
    }
    queue.rebuildExpiries();
    queue.seq = event.seq;
    queue.closedSeq = event.closedSeq;
    queue.lost = event.lost.map(([from, to]) => [from, to]);
    queue.totals = { ...event.totals };
    queue.log(now, 'queue.configured', '', { closedSeq: event.closedSeq, seq: event.seq, lost: queue.lost });
    return queue;
  }

  static fromSnapshot(snapshot: EventQueueSnapshot, journal: MemoryJournal): EventQueue {
    const queue = new EventQueue({ ...snapshot.config }, snapshot.epoch, journal);
    queue.closedSeq = snapshot.closedSeq;
    queue.lost = snapshot.lost ?? [];
    queue.seq = snapshot.seq;
    for (const [id, seq] of snapshot.waiting) queue.line.push(id, seq);
    // Heartbeat order is rebuilt from the times (stable sort keeps arrival order among equal times).
    const byHeartbeat = [...snapshot.waiting].sort((a, b) => a[2] - b[2]);
    for (const [id, , lastHeartbeat] of byHeartbeat) queue.seen.set(id, lastHeartbeat);
    for (const [id, seq, admittedAt, expiresAt, successToken] of snapshot.sessions) {
      queue.sessions.set(id, { seq, admittedAt, expiresAt, successToken });
    }
    queue.rebuildExpiries();
    for (const [id, seq, kind] of snapshot.done) queue.done.set(id, { seq, kind });
    queue.totals = { ...snapshot.totals };
    for (const [bucket, count] of snapshot.rateBuckets) queue.rateBuckets.set(bucket, count);
    queue.rate = snapshot.rate;
    for (const [hash, id] of snapshot.idem ?? []) {
      queue.keyIds.set(hash, id);
      queue.keyOfId.set(id, hash);
    }
    return queue;
  }
}

/** The `idem` field of the entry that records a keyed entry (none without a recorded key). */
function idemField(journaledKey: string | null): { idem?: string } {
  return journaledKey === null ? {} : { idem: journaledKey };
}

/** The place a reply names: the asker's, without anything else the object may carry. */
export function placeEcho(place: Place): Place {
  return { eventId: place.eventId, id: place.id, seq: place.seq, epoch: place.epoch };
}
