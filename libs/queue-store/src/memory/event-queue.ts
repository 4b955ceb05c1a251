import {
  measuredAdmissionRate,
  rateBucket,
  refusesEntry,
  staleRateBuckets,
  type EnterResult,
  type ExitResult,
  type Place,
  type PlaceState,
  type PollResult,
  type PromoteResult,
  type QueueConfig,
  type QueueStats,
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

/**
 * The queue state of one event, held in memory, with the operations of the Lua scripts. Every method
 * runs to completion synchronously, which is what makes each operation atomic. `now` comes from
 * the store's clock.
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

  constructor(
    private config: QueueConfig,
    readonly epoch: string,
    private readonly journal: MemoryJournal,
  ) {}

  get version(): number {
    return this.config.version;
  }

  configure(config: QueueConfig): void {
    if (refusesEntry(config.status) && !refusesEntry(this.config.status)) this.closedSeq = this.seq;
    this.config = config;
  }

  enter(id: string, now: number): EnterResult {
    if (refusesEntry(this.config.status)) return { outcome: 'NOT_OPEN', status: this.config.status };

    const waitingSeq = this.line.seqOf(id);
    if (waitingSeq !== undefined) {
      if (this.isClosed(waitingSeq)) this.removeWaiter(id, waitingSeq, now);
      else if (this.isStale(id, now)) this.abandon(id, waitingSeq, now);
      else return { outcome: 'ALREADY_QUEUED' };
    }
    const session = this.sessions.get(id);
    if (session) {
      if (session.expiresAt > now) return { outcome: 'ALREADY_QUEUED' };
      this.endSession(id, session, 'S', now);
    }
    if (this.config.blockReentry && this.done.has(id)) return { outcome: 'BLOCKED' };

    const place = this.placeOf(id, ++this.seq);
    if (this.config.status === 'OPEN' && this.line.size === 0 && this.sessions.size < this.config.limitCnt) {
      const admitted = this.admit(id, place.seq, true, now);
      return { outcome: 'PLACED', state: { status: 'ENTER', place, session: this.sessionOf(admitted) } };
    }
    this.line.push(id, place.seq);
    this.seen.set(id, now);
    this.journal.append(now, 'user.entered', id, { seq: place.seq });
    return { outcome: 'PLACED', state: { status: 'WAIT', place, rank: this.line.size, measuredRate: this.rate } };
  }

  poll(place: Place, now: number): PollResult {
    const state = (reached: PlaceState): PollResult => ({ outcome: 'STATE', state: reached });
    const echo: Place = { eventId: place.eventId, id: place.id, seq: place.seq, epoch: place.epoch };
    if (place.epoch !== this.epoch) return state({ status: 'EXPIRED', place: echo, reason: 'PLACE_LOST' });

    if (this.line.seqOf(place.id) === place.seq) {
      if (this.isClosed(place.seq)) {
        this.removeWaiter(place.id, place.seq, now);
        return state({ status: 'EXPIRED', place: echo, reason: 'EVENT_CLOSED' });
      }
      if (this.isStale(place.id, now)) {
        this.abandon(place.id, place.seq, now);
        return state({ status: 'EXPIRED', place: echo, reason: 'WAIT_TIMEOUT' });
      }
      const sinceHeartbeat = now - this.seen.get(place.id)!;
      if (sinceHeartbeat < this.config.pollRefusalMs) {
        return { outcome: 'TOO_FREQUENT', retryAfterMs: this.config.pollRefusalMs - sinceHeartbeat };
      }
      this.heartbeat(place.id, now);
      return state({ status: 'WAIT', place: echo, rank: this.line.rank(place.id)!, measuredRate: this.rate });
    }

    const session = this.sessions.get(place.id);
    if (session?.seq === place.seq) {
      if (session.expiresAt > now) return state({ status: 'ENTER', place: echo, session: this.sessionOf(session) });
      this.endSession(place.id, session, 'S', now);
    }

    const done = this.done.get(place.id);
    if (done?.seq === place.seq) {
      if (this.config.blockReentry) return state({ status: 'BLOCK', place: echo });
      return state({ status: 'EXPIRED', place: echo, reason: done.kind === 'X' ? 'EXITED' : 'SESSION_ENDED' });
    }
    return state({ status: 'EXPIRED', place: echo, reason: this.isClosed(place.seq) ? 'EVENT_CLOSED' : 'WAIT_TIMEOUT' });
  }

  saveSuccessToken(place: Place, successToken: string, now: number): string | null {
    const session = this.runningSession(place, now);
    if (!session) return null;
    session.successToken ??= successToken;
    return session.successToken;
  }

  exit(place: Place, now: number): ExitResult {
    if (place.epoch !== this.epoch) return { outcome: 'EXPIRED' };
    const session = this.sessions.get(place.id);
    if (session?.seq === place.seq) {
      if (session.expiresAt <= now) {
        this.endSession(place.id, session, 'S', now);
        return { outcome: 'EXPIRED' };
      }
      this.endSession(place.id, session, 'X', now);
      return { outcome: 'EXITED', admitted: this.promote(EXIT_PROMOTE_MAX, now).admitted };
    }
    const done = this.done.get(place.id);
    if (done?.seq === place.seq && done.kind === 'X') return { outcome: 'ALREADY_EXITED' };
    return { outcome: 'EXPIRED' };
  }

  verify(place: Place, now: number): VerifyResult {
    if (place.epoch !== this.epoch) return { valid: false, reason: 'INVALID' };
    const session = this.sessions.get(place.id);
    if (session?.seq === place.seq) {
      return session.expiresAt > now ? { valid: true, expiresAt: session.expiresAt } : { valid: false, reason: 'EXPIRED' };
    }
    const done = this.done.get(place.id);
    if (done?.seq === place.seq) return { valid: false, reason: done.kind === 'X' ? 'EXITED' : 'EXPIRED' };
    return { valid: false, reason: 'INVALID' };
  }

  /** Admits heads into free slots; never takes more than `max` heads off the line. O(free · log N). */
  promote(max: number, now: number): PromoteResult {
    const result: PromoteResult = { admitted: 0, abandoned: 0 };
    if (this.config.status !== 'OPEN') return result;
    const free = this.config.limitCnt - this.sessions.size;
    let taken = 0;
    while (result.admitted < free && taken < max) {
      const head = this.line.peek();
      if (!head) break;
      taken++;
      if (this.isClosed(head.seq)) {
        this.removeWaiter(head.id, head.seq, now);
      } else if (this.isStale(head.id, now)) {
        this.abandon(head.id, head.seq, now);
        result.abandoned++;
      } else {
        this.line.remove(head.id);
        this.seen.delete(head.id);
        this.admit(head.id, head.seq, false, now);
        result.admitted++;
      }
    }
    return result;
  }

  /** Up to `max` of each, oldest first: lapsed sessions, stale waiters, waiters from before a close. */
  sweep(max: number, now: number): SweepResult {
    const result: SweepResult = { expired: 0, abandoned: 0, removed: 0 };

    while (result.expired < max) {
      const next = this.expiries.peek();
      if (!next || next.expiresAt > now) break;
      this.expiries.pop();
      const session = this.sessions.get(next.id);
      if (session?.seq !== next.seq || session.expiresAt !== next.expiresAt) continue; // ended already
      this.endSession(next.id, session, 'S', now);
      result.expired++;
    }

    const stale: string[] = [];
    for (const [id, lastHeartbeat] of this.seen) {
      if (stale.length >= max || now - lastHeartbeat <= this.config.waitTimeoutMs) break;
      stale.push(id);
    }
    for (const id of stale) this.abandon(id, this.line.seqOf(id)!, now);
    result.abandoned = stale.length;

    // Places from before the close have the smallest seqs, so they are at the head of the line.
    while (result.removed < max) {
      const head = this.line.peek();
      if (!head || !this.isClosed(head.seq)) break;
      this.removeWaiter(head.id, head.seq, now);
      result.removed++;
    }
    return result;
  }

  refreshRate(now: number): number | null {
    this.rate = measuredAdmissionRate(this.rateBuckets, now);
    for (const bucket of staleRateBuckets(this.rateBuckets.keys(), now)) this.rateBuckets.delete(bucket);
    return this.rate;
  }

  stats(): QueueStats {
    return { waiting: this.line.size, active: this.sessions.size, ...this.totals };
  }

  // ---- the helpers of lua/includes/ -------------------------------------------------------------

  private isClosed(seq: number): boolean {
    return seq <= this.closedSeq;
  }

  private isStale(id: string, now: number): boolean {
    return now - this.seen.get(id)! > this.config.waitTimeoutMs;
  }

  private heartbeat(id: string, now: number): void {
    this.seen.delete(id); // re-insert at the back of the heartbeat order
    this.seen.set(id, now);
  }

  private abandon(id: string, seq: number, now: number): void {
    this.line.remove(id);
    this.seen.delete(id);
    this.totals.abandonedTotal++;
    this.journal.append(now, 'user.abandoned', id, { seq });
  }

  private removeWaiter(id: string, seq: number, now: number): void {
    this.line.remove(id);
    this.seen.delete(id);
    this.journal.append(now, 'user.removed', id, { seq, reason: 'EVENT_CLOSED' });
  }

  private admit(id: string, seq: number, immediate: boolean, now: number): SessionRecord {
    const session: SessionRecord = { seq, admittedAt: now, expiresAt: now + this.config.sessionTtlMs, successToken: null };
    this.sessions.set(id, session);
    this.trackExpiry(id, session);
    this.totals.admittedTotal++;
    // Only admissions from the line measure how fast it moves (an immediate one means nobody waited).
    if (!immediate) {
      const bucket = rateBucket(now);
      this.rateBuckets.set(bucket, (this.rateBuckets.get(bucket) ?? 0) + 1);
    }
    this.journal.append(now, 'user.admitted', id, { seq, expiresAt: session.expiresAt, immediate });
    return session;
  }

  private endSession(id: string, session: SessionRecord, kind: DoneRecord['kind'], now: number): void {
    this.sessions.delete(id);
    this.done.set(id, { seq: session.seq, kind });
    if (kind === 'X') {
      this.totals.exitedTotal++;
      this.journal.append(now, 'user.exited', id, { seq: session.seq });
    } else {
      this.totals.expiredTotal++;
      this.journal.append(now, 'user.expired', id, { seq: session.seq });
    }
  }

  private trackExpiry(id: string, session: SessionRecord): void {
    this.expiries.push({ id, seq: session.seq, expiresAt: session.expiresAt });
    // Ended sessions stay in the heap until their time comes; rebuild before they outnumber the running ones.
    if (this.expiries.size > 2 * this.sessions.size + 1024) this.rebuildExpiries();
  }

  private rebuildExpiries(): void {
    this.expiries.rebuild([...this.sessions].map(([id, s]) => ({ id, seq: s.seq, expiresAt: s.expiresAt })));
  }

  private runningSession(place: Place, now: number): SessionRecord | null {
    if (place.epoch !== this.epoch) return null;
    const session = this.sessions.get(place.id);
    return session?.seq === place.seq && session.expiresAt > now ? session : null;
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
      seq: this.seq,
      waiting: [...this.line.places()].map(({ id, seq }) => [id, seq, this.seen.get(id)!]),
      sessions: [...this.sessions].map(([id, s]) => [id, s.seq, s.admittedAt, s.expiresAt, s.successToken]),
      done: [...this.done].map(([id, d]) => [id, d.seq, d.kind]),
      totals: { ...this.totals },
      rateBuckets: [...this.rateBuckets],
      rate: this.rate,
    };
  }

  static fromSnapshot(snapshot: EventQueueSnapshot, journal: MemoryJournal): EventQueue {
    const queue = new EventQueue({ ...snapshot.config }, snapshot.epoch, journal);
    queue.closedSeq = snapshot.closedSeq;
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
    return queue;
  }
}
