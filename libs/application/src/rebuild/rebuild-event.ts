import { randomBytes } from 'node:crypto';
import { toQueueConfig, type EventRepository, type QueueHistory, type QueueOutbox, type QueueRebuild } from '@foyer/domain';

import { EventHistory } from './event-history.js';

/**
 * Numbers a store may have handed out but not yet forwarded to the journal when it was lost: the
 * rebuilt event continues above the highest journaled one plus this gap, so no number is ever given
 * twice, and a ticket or token in the gap answers PLACE_LOST. It bounds the loss the rebuild can
 * tell apart: ten million places entered between two forwarder passes.
 */
export const SEQ_GAP = 10_000_000;

export interface RebuildOptions {
  /** The rebuild lock's lease; every chunk renews it, so only a rebuilder that stopped loses it. */
  leaseMs: number;
  /** Items of each kind per restore script call (each call holds Redis for a few ms). */
  chunkSize: number;
  /** Chunk calls in flight at once (pipelined on the connection). */
  inFlight: number;
  /** Journal entries read per database round trip. */
  pageSize: number;
}

export const REBUILD_DEFAULTS: RebuildOptions = { leaseMs: 15_000, chunkSize: 2_000, inFlight: 8, pageSize: 20_000 };

/** The outbox entries a rebuild reads at most; a fuller outbox is the forwarder's to drain first. */
const OUTBOX_MAX = 100_000;

export type RebuildOutcome =
  | { outcome: 'REBUILT'; builtBefore: boolean; waiting: number; sessions: number; seq: number; entries: number }
  | { outcome: 'HELD' | 'PRESENT' | 'NO_EVENT' | 'LOCK_LOST' | 'OUTBOX_FULL' };

/**
 * Makes an event live in a queue store that does not hold it, from the journal: the only way an
 * event comes into a store, for a new event (an empty journal) and for one whose store was lost
 * (a Redis that restarted empty, one Cluster master among several). Under the event's rebuild lock,
 * so any number of API processes and workers may ask at once: one rebuilds, the others are told
 * `HELD`, and until the settings are written last the event answers 503 and admits nobody.
 */
export class RebuildEvent {
  constructor(
    private readonly store: QueueRebuild & Pick<QueueOutbox, 'readJournal'>,
    private readonly history: QueueHistory,
    private readonly events: Pick<EventRepository, 'get'>,
    private readonly options: RebuildOptions = REBUILD_DEFAULTS,
  ) {}

  async execute(eventId: string): Promise<RebuildOutcome> {
    const event = await this.events.get(eventId);
    if (!event) return { outcome: 'NO_EVENT' };
    const holder = randomBytes(12).toString('base64url');
    const begun = await this.store.beginRebuild(eventId, holder, this.options.leaseMs);
    if (begun !== 'BEGUN') return { outcome: begun };

    const build = await this.history.claimBuild(eventId);
    if (!build) return { outcome: 'NO_EVENT' };
    // The outbox first: an entry forwarded meanwhile is then in the table too, never in neither.
    const outbox = await this.store.readJournal(eventId, OUTBOX_MAX);
    if (outbox.length === OUTBOX_MAX) return { outcome: 'OUTBOX_FULL' };
    const renew = () => this.store.restoreChunk(eventId, holder, this.options.leaseMs, EMPTY_CHUNK);

    const unforwarded = new Set(outbox.map((entry) => `${eventId}/${entry.entryId}`));
    const folded = await this.fold(eventId, build.epoch, unforwarded, renew);
    if (!folded) return { outcome: 'LOCK_LOST' };
    for (const entry of outbox) {
      if (unforwarded.has(`${eventId}/${entry.entryId}`)) folded.history.apply(entry.type, entry.id || null, entry.payload);
    }

    const { history } = folded;
    if (!(await this.writeChunks(eventId, holder, history))) return { outcome: 'LOCK_LOST' };
    const gap = build.builtBefore ? SEQ_GAP : 0;
    const seq = history.maxSeq + gap;
    const lost: [number, number][] = gap > 0 ? [...history.lost, [history.maxSeq + 1, seq]] : history.lost;
    const live = await this.store.finishRebuild(eventId, holder, {
      config: toQueueConfig(event),
      epoch: build.epoch,
      seq,
      closedSeq: history.closedSeq,
      lost,
      totals: history.counters(),
    });
    if (!live) return { outcome: 'LOCK_LOST' };
    return {
      outcome: 'REBUILT',
      builtBefore: build.builtBefore,
      waiting: history.waitingCount,
      sessions: history.sessionCount,
      seq,
      entries: folded.entries + outbox.length,
    };
  }

  /**
   * The latest checkpoint and every journal entry after it, renewing the lock between pages. An
   * entry found in the table is struck from `unforwarded` (the outbox entries read before): the
   * forwarder moved it meanwhile, and it must be folded once.
   */
  private async fold(
    eventId: string,
    epoch: string,
    unforwarded: Set<string>,
    renew: () => Promise<boolean>,
  ): Promise<{ history: EventHistory; entries: number } | null> {
    const checkpoint = await this.history.latestCheckpoint(eventId, epoch);
    const history = checkpoint ? EventHistory.fromCheckpoint(epoch, checkpoint.state) : new EventHistory(epoch);
    let after = checkpoint?.offset ?? 0;
    let entries = 0;
    for (;;) {
      const page = await this.history.entriesAfter(eventId, after, this.options.pageSize);
      for (const entry of page) {
        history.apply(entry.type, entry.id, entry.payload);
        if (unforwarded.size > 0 && entry.sourceKey !== null) unforwarded.delete(entry.sourceKey);
      }
      entries += page.length;
      if (page.length < this.options.pageSize) break;
      after = page[page.length - 1].offset;
      if (!(await renew())) return null;
    }
    return { history, entries };
  }

  /** Chunks in flight `inFlight` at a time: each is one script call; a refused one stops the rest. */
  private async writeChunks(eventId: string, holder: string, history: EventHistory): Promise<boolean> {
    const inFlight = new Set<Promise<boolean>>();
    let ok = true;
    for (const chunk of history.chunks(this.options.chunkSize)) {
      const call = this.store.restoreChunk(eventId, holder, this.options.leaseMs, chunk).then((written) => {
        ok &&= written;
        inFlight.delete(call);
        return written;
      });
      inFlight.add(call);
      if (inFlight.size >= this.options.inFlight) await Promise.race(inFlight);
      if (!ok) break;
    }
    await Promise.all(inFlight);
    return ok;
  }
}

const EMPTY_CHUNK = { waiting: [], sessions: [], done: [], idem: [] };
