import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Clock, EventLookup, EventRecord, EventRepository } from '@foyer/domain';
import { CLOCK, EVENT_REPOSITORY } from '@foyer/platform';

/** How long a process trusts what it read of an event: about one scheduler tick. */
const FRESH_MS = 1_000;
/**
 * How long a copy may still be served while it cannot be read again (the database is slow or
 * gone). No setting can change without the database, so this only bounds how long a replica that
 * alone lost it may miss a change made through another.
 */
export const MAX_STALE_MS = 60_000;

interface Entry {
  event: EventRecord | null;
  readAt: number;
  /** When a renewal last failed: the next is tried a second later, not on every request. */
  failedAt?: number;
}

/**
 * The hot paths (enter, poll) need an event's settings on every request; reading the database each
 * time would make it the bottleneck. This keeps what was read for about a second, so a change made
 * through another replica is seen within one tick, as API.md allows. Concurrent reads share one.
 *
 * Only a request for an event this process has never read (or not for MAX_STALE_MS) waits for the
 * database. Past a second, a copy is still answered at once while one read renews it in the
 * background: the line does not stall each second on a busy database (a large promotion's journal
 * writes made the polls' p99 jump tenfold), and it keeps moving through a database outage.
 */
@Injectable()
export class EventCatalog implements EventLookup, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<EventRecord | null>>();

  constructor(
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async get(eventId: string): Promise<EventRecord | null> {
    const entry = this.entries.get(eventId);
    if (!entry) return this.read(eventId);
    const now = this.clock.now();
    if (now - entry.readAt < FRESH_MS) return entry.event;
    if (now - entry.readAt >= MAX_STALE_MS) return this.read(eventId);
    this.renewInBackground(eventId, entry, now);
    return entry.event;
  }

  /** Records what this process just wrote, so its own next request sees it at once. */
  remember(eventId: string, event: EventRecord | null): void {
    this.entries.set(eventId, { event, readAt: this.clock.now() });
  }

  onModuleDestroy(): void {
    this.entries.clear();
  }

  private read(eventId: string): Promise<EventRecord | null> {
    let pending = this.inflight.get(eventId);
    if (!pending) {
      pending = this.events
        .get(eventId)
        .then((event) => {
          this.remember(eventId, event);
          if (this.entries.size > 10_000) this.evictOldest();
          return event;
        })
        .finally(() => this.inflight.delete(eventId));
      this.inflight.set(eventId, pending);
    }
    return pending;
  }

  /** One renewal at a time, and after a failed one not again within a second. */
  private renewInBackground(eventId: string, entry: Entry, now: number): void {
    if (this.inflight.has(eventId) || now - (entry.failedAt ?? -Infinity) < FRESH_MS) return;
    this.read(eventId).catch(() => {
      entry.failedAt = this.clock.now();
    });
  }

  private evictOldest(): void {
    const cutoff = this.clock.now() - FRESH_MS;
    for (const [key, entry] of this.entries) if (entry.readAt < cutoff) this.entries.delete(key);
  }
}
