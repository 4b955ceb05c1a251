import type { CheckpointState, QueueJournalEntry, RestoredPlaces, RestoredSession } from '@foyer/domain';

interface Waiter {
  seq: number;
  idem: string | null;
}

interface Session {
  seq: number;
  admittedAt: number;
  expiresAt: number;
  idem: string | null;
}

/**
 * An event's queue as its journal tells it: the journal folded entry by entry, for a rebuild of a
 * lost store and for checkpoints. Knows the payloads the queue stores write (lua/includes/journal.lua):
 * every entry of the event's epoch, `seq`, `admittedAt`/`expiresAt` (numbers in the outbox, ISO
 * strings once forwarded), `idem` (the SHA-256 of an Idempotency-Key), and `queue.configured`'s
 * `closedSeq`, `seq` and `lost`.
 */
export class EventHistory {
  private readonly waiting = new Map<string, Waiter>();
  private readonly sessions = new Map<string, Session>();
  private readonly done = new Map<string, { seq: number; kind: 'X' | 'S' }>();
  private totals = { admittedTotal: 0, exitedTotal: 0, expiredTotal: 0, abandonedTotal: 0 };
  /** The highest seq any entry named: numbers up to it were handed out. */
  maxSeq = 0;
  closedSeq = 0;
  lost: [number, number][] = [];

  constructor(readonly epoch: string) {}

  static fromCheckpoint(epoch: string, state: CheckpointState): EventHistory {
    const history = new EventHistory(epoch);
    history.maxSeq = state.maxSeq;
    history.closedSeq = state.closedSeq;
    history.lost = state.lost.map(([from, to]) => [from, to]);
    history.totals = { ...state.totals };
    for (const [id, seq, idem] of state.waiting) history.waiting.set(id, { seq, idem });
    for (const [id, seq, admittedAt, expiresAt, idem] of state.sessions) history.sessions.set(id, { seq, admittedAt, expiresAt, idem });
    for (const [id, seq, kind] of state.done) history.done.set(id, { seq, kind });
    return history;
  }

  /** Folds one entry in; entries of another epoch (an earlier event of the same id) are skipped. */
  apply(type: string, id: string | null, payload: Record<string, unknown>): void {
    if (payload.epoch !== this.epoch) return;
    const seq = numberOf(payload.seq);
    if (seq !== null && seq > this.maxSeq) this.maxSeq = seq;
    if (type === 'queue.configured') return this.configured(payload);
    if (id === null || seq === null) return;
    switch (type as QueueJournalEntry['type']) {
      case 'user.entered':
        this.waiting.set(id, { seq, idem: stringOf(payload.idem) });
        return;
      case 'user.admitted':
        return this.admitted(id, seq, payload);
      case 'user.exited':
        return this.ended(id, seq, 'X');
      case 'user.expired':
        return this.ended(id, seq, 'S');
      case 'user.abandoned':
        this.totals.abandonedTotal++;
        return this.leave(id, seq);
      case 'user.removed':
        return this.leave(id, seq);
    }
  }

  get waitingCount(): number {
    return this.waiting.size;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  counters(): CheckpointState['totals'] {
    return { ...this.totals };
  }

  /** The state to write back, in chunks of at most `size` items of each kind; the line in arrival order. */
  *chunks(size: number): Generator<RestoredPlaces> {
    const waiting = [...this.waiting].sort((a, b) => a[1].seq - b[1].seq);
    const sessions = [...this.sessions];
    const done = [...this.done];
    const idem: [string, string][] = [];
    for (const [id, waiter] of waiting) if (waiter.idem) idem.push([waiter.idem, id]);
    for (const [id, session] of sessions) if (session.idem) idem.push([session.idem, id]);
    const longest = Math.max(waiting.length, sessions.length, done.length, idem.length);
    for (let from = 0; from < longest; from += size) {
      yield {
        waiting: waiting.slice(from, from + size).map(([id, waiter]) => [id, waiter.seq]),
        sessions: sessions.slice(from, from + size).map(([id, s]): RestoredSession => [id, s.seq, s.admittedAt, s.expiresAt]),
        done: done.slice(from, from + size).map(([id, d]) => [id, d.seq, d.kind]),
        idem: idem.slice(from, from + size),
      };
    }
  }

  toCheckpointState(): CheckpointState {
    return {
      maxSeq: this.maxSeq,
      closedSeq: this.closedSeq,
      lost: this.lost,
      totals: { ...this.totals },
      waiting: [...this.waiting].map(([id, w]) => [id, w.seq, w.idem]),
      sessions: [...this.sessions].map(([id, s]) => [id, s.seq, s.admittedAt, s.expiresAt, s.idem]),
      done: [...this.done].map(([id, d]) => [id, d.seq, d.kind]),
    };
  }

  private configured(payload: Record<string, unknown>): void {
    const closedSeq = numberOf(payload.closedSeq);
    if (closedSeq !== null) this.closedSeq = closedSeq;
    if (Array.isArray(payload.lost)) this.lost = payload.lost.filter(isRange).map(([from, to]) => [from, to]);
    // Places taken before a close ended with it; the store removes them lazily, the fold at once.
    for (const [id, waiter] of this.waiting) if (waiter.seq <= this.closedSeq) this.waiting.delete(id);
  }

  private admitted(id: string, seq: number, payload: Record<string, unknown>): void {
    const waiter = this.waiting.get(id);
    if (waiter?.seq === seq) this.waiting.delete(id);
    const expiresAt = timeOf(payload.expiresAt);
    if (expiresAt === null) return;
    const admittedAt = timeOf(payload.admittedAt) ?? expiresAt;
    const idem = stringOf(payload.idem) ?? (waiter?.seq === seq ? waiter.idem : null);
    this.sessions.set(id, { seq, admittedAt, expiresAt, idem });
    this.totals.admittedTotal++;
  }

  private ended(id: string, seq: number, kind: 'X' | 'S'): void {
    if (this.sessions.get(id)?.seq === seq) this.sessions.delete(id);
    this.done.set(id, { seq, kind });
    if (kind === 'X') this.totals.exitedTotal++;
    else this.totals.expiredTotal++;
  }

  private leave(id: string, seq: number): void {
    if (this.waiting.get(id)?.seq === seq) this.waiting.delete(id);
  }
}

function numberOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Epoch ms from the outbox's numbers or the journal table's ISO strings. */
function timeOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function isRange(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number');
}
