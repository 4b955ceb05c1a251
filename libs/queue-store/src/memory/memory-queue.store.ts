import {
  systemClock,
  type Clock,
  type EnterOptions,
  type EnterResult,
  type ExitResult,
  type JournalBacklog,
  type Place,
  type PollResult,
  type PromoteResult,
  type QueueConfig,
  type QueueJournalEntry,
  type QueueStats,
  type QueueStore,
  type SweepResult,
  type VerifyResult,
  type BeginRebuild,
  type RestoredEvent,
  type RestoredPlaces,
} from '@foyer/domain';

import { EventQueue, placeEcho } from './event-queue.js';
import { FixedWindowCounter } from './fixed-window-counter.js';
import { MemoryJournal } from './memory-journal.js';
import { MEMORY_SNAPSHOT_FORMAT, type MemoryQueueSnapshot } from './memory-snapshot.js';

export interface MemoryQueueStoreOptions {
  clock?: Clock;
}

interface PendingRebuild {
  holder: string;
  until: number;
  chunks: RestoredPlaces[];
}

const NO_STATS: QueueStats = {
  waiting: 0,
  active: 0,
  admittedTotal: 0,
  exitedTotal: 0,
  expiredTotal: 0,
  abandonedTotal: 0,
};

/**
 * The queue store of the embedded default: every operation runs synchronously on in-process state,
 * so each one is atomic, as a Lua script is in Redis. One process only — a second replica would
 * keep a line of its own. Survives restarts through `toSnapshot` / `fromSnapshot`.
 */
export class MemoryQueueStore implements QueueStore {
  private readonly events = new Map<string, EventQueue>();
  /** Kept apart from `events`: a journal outlives its event until it has been forwarded. */
  private readonly journals = new Map<string, MemoryJournal>();
  private readonly hits = new FixedWindowCounter();
  /** Events being rebuilt, by id: not live until the finish (rebuilds are not kept in snapshots). */
  private readonly rebuilds = new Map<string, PendingRebuild>();
  private readonly clock: Clock;

  constructor(options: MemoryQueueStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async configure(config: QueueConfig): Promise<boolean> {
    const event = this.events.get(config.eventId);
    if (!event) return false; // only a rebuild makes an event
    // A stale writer (a tick that read the row before a PATCH) must never undo a newer change.
    if (config.version >= event.version) event.configure({ ...config }, this.clock.now());
    return true;
  }

  /**
   * begin-rebuild-11.lua. The embedded store needs no rebuild after a restart (its snapshot is its
   * persistence); it goes through the same steps to make a new event, as Redis does.
   */
  async beginRebuild(eventId: string, holder: string, leaseMs: number): Promise<BeginRebuild> {
    if (this.events.has(eventId)) return 'PRESENT';
    const now = this.clock.now();
    const pending = this.rebuilds.get(eventId);
    if (pending && pending.holder !== holder && pending.until > now) return 'HELD';
    this.rebuilds.set(eventId, { holder, until: now + leaseMs, chunks: [] });
    return 'BEGUN';
  }

  /** restore-8.lua */
  async restoreChunk(eventId: string, holder: string, leaseMs: number, chunk: RestoredPlaces): Promise<boolean> {
    const pending = this.heldRebuild(eventId, holder);
    if (!pending) return false;
    pending.until = this.clock.now() + leaseMs;
    pending.chunks.push(structuredClone(chunk));
    return true;
  }

  /** finish-rebuild-5.lua */
  async finishRebuild(eventId: string, holder: string, event: RestoredEvent): Promise<boolean> {
    const pending = this.heldRebuild(eventId, holder);
    if (!pending) return false;
    this.rebuilds.delete(eventId);
    this.events.set(eventId, EventQueue.restored(event, pending.chunks, this.journalOf(eventId), this.clock.now()));
    return true;
  }

  async reregisterSession(place: Place, admittedAt: number, expiresAt: number): Promise<boolean> {
    return this.events.get(place.eventId)?.reregister(place, admittedAt, expiresAt, this.clock.now()) ?? false;
  }

  async configVersion(eventId: string): Promise<number | null> {
    return this.events.get(eventId)?.version ?? null;
  }

  async enter(eventId: string, id: string, options?: EnterOptions): Promise<EnterResult> {
    return this.events.get(eventId)?.enter(id, this.clock.now(), options) ?? { outcome: 'NO_EVENT' };
  }

  /** As RedisQueueStore polls: the heartbeat answers a live waiter; anything else, the full poll after it. */
  async poll(place: Place): Promise<PollResult> {
    const event = this.events.get(place.eventId);
    if (!event) return { outcome: 'NO_EVENT' }; // heartbeat-3 answers 0, then poll-9 NO_EVENT
    const now = this.clock.now();
    const heartbeat = event.heartbeat(place, now);
    if (heartbeat > 0) {
      const state = { status: 'WAIT', place: placeEcho(place), rank: heartbeat, measuredRate: event.measuredRate } as const;
      return { outcome: 'STATE', state };
    }
    if (heartbeat < 0) return { outcome: 'TOO_FREQUENT', retryAfterMs: -heartbeat };
    return event.poll(place, now);
  }

  async saveSuccessToken(place: Place, successToken: string): Promise<string | null> {
    return this.events.get(place.eventId)?.saveSuccessToken(place, successToken, this.clock.now()) ?? null;
  }

  async exit(place: Place): Promise<ExitResult> {
    return this.events.get(place.eventId)?.exit(place, this.clock.now()) ?? { outcome: 'NO_EVENT' };
  }

  async verify(place: Place): Promise<VerifyResult> {
    return this.events.get(place.eventId)?.verify(place, this.clock.now()) ?? { valid: false, reason: 'EVENT_NOT_FOUND' };
  }

  async promote(eventId: string, max: number): Promise<PromoteResult> {
    return this.events.get(eventId)?.promote(max, this.clock.now()) ?? { admitted: 0, abandoned: 0 };
  }

  async sweep(eventId: string, max: number): Promise<SweepResult> {
    return this.events.get(eventId)?.sweep(max, this.clock.now()) ?? { expired: 0, abandoned: 0, removed: 0 };
  }

  async refreshRate(eventId: string): Promise<number | null> {
    return this.events.get(eventId)?.refreshRate(this.clock.now()) ?? null;
  }

  async stats(eventId: string): Promise<QueueStats> {
    return this.events.get(eventId)?.stats() ?? { ...NO_STATS };
  }

  async dropEvent(eventId: string): Promise<void> {
    this.events.delete(eventId);
  }

  async readJournal(eventId: string, max: number): Promise<QueueJournalEntry[]> {
    return this.journals.get(eventId)?.read(max) ?? [];
  }

  async ackJournal(eventId: string, entryIds: string[]): Promise<void> {
    this.journals.get(eventId)?.ack(entryIds);
  }

  async dropJournal(eventId: string): Promise<void> {
    const journal = this.journals.get(eventId);
    if (!journal) return;
    // A live event keeps writing to its journal object, so empty it rather than replace it.
    journal.clear();
    if (!this.events.has(eventId)) this.journals.delete(eventId);
  }

  async journalBacklog(eventId: string): Promise<JournalBacklog> {
    return this.journals.get(eventId)?.backlog(this.clock.now()) ?? { pending: 0, lagMs: 0 };
  }

  async hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    return this.hits.hit(key, limit, windowMs, this.clock.now());
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  toSnapshot(): MemoryQueueSnapshot {
    return {
      format: MEMORY_SNAPSHOT_FORMAT,
      events: [...this.events.values()].map((event) => event.toSnapshot()),
      journals: [...this.journals.values()].filter((journal) => journal.size > 0 || this.events.has(journal.eventId)).map((journal) => journal.toSnapshot()),
    };
  }

  static fromSnapshot(snapshot: MemoryQueueSnapshot, options: MemoryQueueStoreOptions = {}): MemoryQueueStore {
    const store = new MemoryQueueStore(options);
    for (const journal of snapshot.journals) store.journals.set(journal.eventId, MemoryJournal.fromSnapshot(journal));
    for (const event of snapshot.events) {
      const eventId = event.config.eventId;
      store.events.set(eventId, EventQueue.fromSnapshot(event, store.journalOf(eventId)));
    }
    return store;
  }

  /** The event's rebuild while `holder` holds its lease (the lock of begin-rebuild-11.lua), else undefined. */
  private heldRebuild(eventId: string, holder: string): PendingRebuild | undefined {
    const pending = this.rebuilds.get(eventId);
    if (!pending || pending.holder !== holder || pending.until <= this.clock.now() || this.events.has(eventId)) return undefined;
    return pending;
  }

  private journalOf(eventId: string): MemoryJournal {
    let journal = this.journals.get(eventId);
    if (!journal) {
      journal = new MemoryJournal(eventId);
      this.journals.set(eventId, journal);
    }
    return journal;
  }
}
