/**
 * What a rebuild reads from the database: the event's store epoch and build count (its row), its
 * latest checkpoint and the journal entries after it. `PrismaQueueHistory` of @foyer/persistence
 * implements it.
 */

/** One journal entry as a rebuild folds it. */
export interface HistoryEntry {
  offset: number;
  type: string;
  /** The user's id; `null` for an entry about the event. */
  id: string | null;
  payload: Record<string, unknown>;
  /** `${eventId}/${entryId}` of a forwarded queue entry, `null` for others. */
  sourceKey: string | null;
}

/** A compact snapshot of the folded journal of one event, up to `offset` (inclusive). */
export interface QueueCheckpoint {
  eventId: string;
  epoch: string;
  offset: number;
  state: CheckpointState;
}

/** Tuples, not objects: a million waiters stay small. */
export interface CheckpointState {
  maxSeq: number;
  closedSeq: number;
  lost: [number, number][];
  totals: { admittedTotal: number; exitedTotal: number; expiredTotal: number; abandonedTotal: number };
  /** `[id, seq, idem hash or null]`. */
  waiting: [string, number, string | null][];
  /** `[id, seq, admittedAt, expiresAt, idem hash or null]`. */
  sessions: [string, number, number, number, string | null][];
  /** `[id, seq, kind]`. */
  done: [string, number, 'X' | 'S'][];
}

export interface StoreBuild {
  epoch: string;
  /** Whether the store built the event before: then it had state, which may have held unforwarded numbers. */
  builtBefore: boolean;
}

/** The journal entries of an event after its latest checkpoint. */
export interface PendingHistory {
  /** The latest checkpoint's offset, 0 without one. */
  after: number;
  count: number;
  /** When the oldest of them was written; `null` when there are none. */
  oldest: Date | null;
}

export interface QueueHistory {
  /** The event's store epoch, `null` when the event does not exist or its store never built it. */
  epochOf(eventId: string): Promise<string | null>;
  pendingSince(eventId: string, afterOffset: number): Promise<PendingHistory>;
  /**
   * Counts one build of the event's store and gives its epoch, made and kept in the event's row
   * the first time. `null` when the event does not exist.
   */
  claimBuild(eventId: string): Promise<StoreBuild | null>;
  latestCheckpoint(eventId: string, epoch: string): Promise<QueueCheckpoint | null>;
  /** The event's journal entries after `afterOffset`, oldest first, at most `limit`. */
  entriesAfter(eventId: string, afterOffset: number, limit: number): Promise<HistoryEntry[]>;
  saveCheckpoint(checkpoint: QueueCheckpoint, createdAt: Date): Promise<void>;
}
