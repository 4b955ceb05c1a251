import { PROMOTION_BATCH, type EventRecord, type EventRepository, type QueueOperations } from '@foyer/domain';
import type { QueueMetrics } from '../ports/queue-metrics.js';
import type { QueueSettingsSync } from '../ports/queue-settings-sync.js';

/** Every script call of a tick does at most one promotion batch, so none holds Redis for long. */
export const TICK_BATCH = PROMOTION_BATCH;
/**
 * Batches one event may use per tick and phase: up to 25,000 admissions per tick, which paces a
 * mass promotion at about 25,000 a second (DESIGN.md asks for 20,000) with the default tick. Run
 * flat out, a 2-core machine admits about 47,000 a second, but Redis, the journal forwarding and
 * PostgreSQL then take the CPU the polls need, and their p99 triples.
 */
export const MAX_BATCHES_PER_TICK = 250;

/**
 * One pass of the scheduler over every event: settings, then ends (which free slots), then
 * admissions, then the rate. Any number of schedulers may run it at once; the scripts are atomic,
 * so the worst a second one does is find nothing to do.
 */
export class SchedulerTick {
  constructor(
    private readonly store: Pick<QueueOperations, 'sweep' | 'promote' | 'refreshRate'>,
    private readonly events: Pick<EventRepository, 'list'>,
    private readonly settings: Pick<QueueSettingsSync, 'refresh'>,
    private readonly metrics: Pick<QueueMetrics, 'admissions' | 'expiries'>,
  ) {}

  async execute(): Promise<void> {
    for (const event of await this.events.list()) await this.tickEvent(event);
  }

  private async tickEvent(event: EventRecord): Promise<void> {
    const eventId = event.eventId;
    await this.settings.refresh(event);

    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      const swept = await this.store.sweep(eventId, TICK_BATCH);
      this.metrics.expiries.inc({ event: eventId, kind: 'session' }, swept.expired);
      this.metrics.expiries.inc({ event: eventId, kind: 'abandoned' }, swept.abandoned);
      this.metrics.expiries.inc({ event: eventId, kind: 'removed' }, swept.removed);
      if (Math.max(swept.expired, swept.abandoned, swept.removed) < TICK_BATCH) break;
    }

    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      const promoted = await this.store.promote(eventId, TICK_BATCH);
      this.metrics.admissions.inc({ event: eventId, via: 'promotion' }, promoted.admitted);
      this.metrics.expiries.inc({ event: eventId, kind: 'abandoned' }, promoted.abandoned);
      if (promoted.admitted + promoted.abandoned < TICK_BATCH) break;
    }

    await this.store.refreshRate(eventId);
  }
}
