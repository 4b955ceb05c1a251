import { Inject, Injectable } from '@nestjs/common';
import { toQueueConfig, type EventRecord, type EventRepository, type QueueOperations, type QueueOutbox } from '@foyer/domain';
import { EVENT_REPOSITORY, QUEUE_OPERATIONS, QUEUE_OUTBOX } from '@foyer/platform';
import { EventCatalog } from './event-catalog.js';

/**
 * PostgreSQL is the source of truth for an event's settings; the queue store keeps a cache of them.
 * This rewrites that cache on every change, on every tick when it is stale, and when the store has
 * lost it (a Redis that restarted empty).
 */
@Injectable()
export class QueueConfigSync {
  constructor(
    @Inject(QUEUE_OPERATIONS) private readonly store: QueueOperations,
    @Inject(QUEUE_OUTBOX) private readonly outbox: QueueOutbox,
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    private readonly catalog: EventCatalog,
  ) {}

  async write(event: EventRecord): Promise<void> {
    await this.store.configure(toQueueConfig(event));
    // A delete may have run between reading the row and writing its copy (a tick or a restore
    // racing it): then the copy would outlive the event, so take it back out.
    if (!(await this.events.get(event.eventId))) {
      await this.store.dropEvent(event.eventId);
      await this.outbox.dropJournal(event.eventId);
    }
  }

  /** Rewrites the cache when its version is not the row's. Returns whether it did. */
  async refresh(event: EventRecord): Promise<boolean> {
    const cached = await this.store.configVersion(event.eventId);
    if (cached === event.updatedAt.getTime()) return false;
    await this.write(event);
    return true;
  }

  /** The store has no settings for the event: rewrite them from the database if it still exists. */
  async restore(eventId: string): Promise<boolean> {
    const event = await this.events.get(eventId);
    this.catalog.remember(eventId, event);
    if (!event) return false;
    await this.write(event);
    return true;
  }
}
