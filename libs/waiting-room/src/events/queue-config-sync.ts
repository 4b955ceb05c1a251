import { Inject, Injectable } from '@nestjs/common';
import { FoyerError, toQueueConfig, type EventRecord, type EventRepository, type QueueOperations, type QueueOutbox } from '@foyer/domain';
import { EVENT_REPOSITORY, QUEUE_OPERATIONS, QUEUE_OUTBOX } from '@foyer/platform';
import { EventCatalog } from './event-catalog.js';
import { EventRebuilds } from './event-rebuilds.js';

/**
 * PostgreSQL is the source of truth for an event's settings; the queue store keeps a cache of them.
 * This rewrites that cache on every change and on every tick when it is stale. A store that does
 * not hold the event (a new event, or a Redis that restarted empty) gets it only through a rebuild
 * from the journal (`EventRebuilds`), never a fresh, empty copy.
 */
@Injectable()
export class QueueConfigSync {
  constructor(
    @Inject(QUEUE_OPERATIONS) private readonly store: QueueOperations,
    @Inject(QUEUE_OUTBOX) private readonly outbox: QueueOutbox,
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    private readonly catalog: EventCatalog,
    private readonly rebuilds: EventRebuilds,
  ) {}

  /** Writes the settings; a store without the event rebuilds it (waited for a moment, then in the background). */
  async write(event: EventRecord): Promise<void> {
    if (!(await this.store.configure(toQueueConfig(event)))) {
      await this.rebuilds.ensure(event.eventId).catch((err: unknown) => {
        if (!(err instanceof FoyerError && err.code === 'QUEUE_REBUILDING')) throw err;
      });
    }
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
    // Lost (per event: on a Cluster one master may lose its events alone): rebuild, without holding up the tick.
    if (cached === null) void this.rebuilds.start(event.eventId).catch(() => undefined);
    else await this.write(event);
    return true;
  }

  /**
   * The store has no settings for the event: rebuild it from the journal if the event still exists.
   * Whether it exists; throws QUEUE_REBUILDING (503, retry-after) while the rebuild runs on.
   */
  async restore(eventId: string): Promise<boolean> {
    const event = await this.events.get(eventId);
    this.catalog.remember(eventId, event);
    if (!event) return false;
    return this.rebuilds.ensure(eventId);
  }
}
