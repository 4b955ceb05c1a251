import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Clock, EventLookup, EventRecord, EventRepository } from '@foyer/domain';
import { CLOCK, EVENT_REPOSITORY } from '@foyer/platform';

/** How long a process trusts what it read of an event: about one scheduler tick. */
const FRESH_MS = 1_000;

interface Entry {
  event: EventRecord | null;
  readAt: number;
}

/**
 * The hot paths (enter, poll) need an event's settings on every request; reading the database each
 * time would make it the bottleneck. This keeps what was read for about a second, so a change made
 * through another replica is seen within one tick, as API.md allows. Concurrent misses share one read.
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
    if (entry && this.clock.now() - entry.readAt < FRESH_MS) return entry.event;
    return this.read(eventId);
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

  private evictOldest(): void {
    const cutoff = this.clock.now() - FRESH_MS;
    for (const [key, entry] of this.entries) if (entry.readAt < cutoff) this.entries.delete(key);
  }
}
