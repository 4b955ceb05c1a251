import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { FoyerConfig } from '@foyer/config';
import type { EventRecord, EventRepository, JournalRepository, QueueStore } from '@foyer/domain';
import { CONFIG, EVENT_REPOSITORY, FoyerMetrics, JOURNAL_REPOSITORY, QUEUE_STORE, schedulePeriodic } from '@foyer/platform';
import { QueueConfigSync } from '../events/queue-config-sync.js';
import { JournalForwarder } from '../journal/journal-forwarder.js';

/**
 * Every script call does at most this much, so none holds Redis for long: a 100-pop promotion
 * takes about 1.5 ms (a 1,000-pop one 11–14 ms, which showed in the polls' p99).
 */
const BATCH = 100;
/**
 * Batches one event may use per tick and phase: up to 25,000 admissions per tick, which paces a
 * mass promotion at about 25,000 a second (DESIGN.md asks for 20,000) with the default tick. Run
 * flat out, a 2-core machine admits about 47,000 a second, but Redis, the journal forwarding and
 * PostgreSQL then take the CPU the polls need, and their p99 triples.
 */
const MAX_BATCHES_PER_TICK = 250;
/** Retention deletes in batches of its own; it is not on anyone's hot path. */
const PURGE_BATCH = 1_000;
const FORWARD_EVERY_MS = 250;
const RETENTION_EVERY_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The timers of the `scheduler` role: promotion and expiry every SCHEDULER_TICK_MS, the journal
 * forwarder, and retention. Any number of schedulers may run at once; the scripts are atomic, so
 * the worst a second one does is find nothing to do.
 */
@Injectable()
export class QueueScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly names = ['queue-tick', 'journal-forwarder', 'journal-retention'];

  constructor(
    @Inject(CONFIG) private readonly config: FoyerConfig,
    @Inject(QUEUE_STORE) private readonly store: QueueStore,
    @Inject(EVENT_REPOSITORY) private readonly events: EventRepository,
    @Inject(JOURNAL_REPOSITORY) private readonly journal: JournalRepository,
    private readonly configSync: QueueConfigSync,
    private readonly forwarder: JournalForwarder,
    private readonly metrics: FoyerMetrics,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    schedulePeriodic(this.registry, 'queue-tick', this.config.schedulerTickMs, () => this.tick());
    schedulePeriodic(this.registry, 'journal-forwarder', FORWARD_EVERY_MS, () => this.forwarder.forwardAll(FORWARD_EVERY_MS));
    schedulePeriodic(this.registry, 'journal-retention', RETENTION_EVERY_MS, () => this.purgeJournal());
  }

  onApplicationShutdown(): void {
    for (const name of this.names) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
  }

  /** One pass over every event: settings, then ends (which free slots), then admissions, then the rate. */
  async tick(): Promise<void> {
    for (const event of await this.events.list()) await this.tickEvent(event);
  }

  private async tickEvent(event: EventRecord): Promise<void> {
    const eventId = event.eventId;
    await this.configSync.refresh(event);

    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      const swept = await this.store.sweep(eventId, BATCH);
      this.metrics.expiries.inc({ event: eventId, kind: 'session' }, swept.expired);
      this.metrics.expiries.inc({ event: eventId, kind: 'abandoned' }, swept.abandoned);
      this.metrics.expiries.inc({ event: eventId, kind: 'removed' }, swept.removed);
      if (Math.max(swept.expired, swept.abandoned, swept.removed) < BATCH) break;
    }

    for (let batch = 0; batch < MAX_BATCHES_PER_TICK; batch++) {
      const promoted = await this.store.promote(eventId, BATCH);
      this.metrics.admissions.inc({ event: eventId, via: 'promotion' }, promoted.admitted);
      this.metrics.expiries.inc({ event: eventId, kind: 'abandoned' }, promoted.abandoned);
      if (promoted.admitted + promoted.abandoned < BATCH) break;
    }

    await this.store.refreshRate(eventId);
  }

  private async purgeJournal(): Promise<void> {
    const before = new Date(Date.now() - this.config.journalRetentionDays * DAY_MS);
    while ((await this.journal.purgeOlderThan(before, PURGE_BATCH)) === PURGE_BATCH);
  }
}
