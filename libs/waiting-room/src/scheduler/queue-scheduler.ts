import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { FoyerConfig } from '@foyer/config';
import type { EventRecord, EventRepository, JournalRepository, QueueStore } from '@foyer/domain';
import { CONFIG, EVENT_REPOSITORY, FoyerMetrics, JOURNAL_REPOSITORY, QUEUE_STORE } from '@foyer/platform';
import { QueueConfigSync } from '../events/queue-config-sync.js';
import { JournalForwarder } from '../journal/journal-forwarder.js';
import { schedulePeriodic, type PeriodicOutcome } from './periodic-task.js';

/**
 * Every script call does at most this much, so none holds Redis for more than a few ms: a
 * 1,000-pop promotion measured 11–13 ms, which showed in the polls' p99; 250 takes about 3 ms.
 */
const BATCH = 250;
/**
 * Batches one event may use per tick and phase: up to 50,000 admissions per tick. A tick that stops
 * at this bound with work left is followed by the next at once (a large promotion runs flat out,
 * taking turns with the other events), not after SCHEDULER_TICK_MS.
 */
const MAX_BATCHES_PER_TICK = 200;
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
    schedulePeriodic(this.registry, 'journal-forwarder', FORWARD_EVERY_MS, () => this.forwarder.forwardAll());
    schedulePeriodic(this.registry, 'journal-retention', RETENTION_EVERY_MS, () => this.purgeJournal());
  }

  onApplicationShutdown(): void {
    for (const name of this.names) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
  }

  /**
   * One pass over every event: settings, then ends (which free slots), then admissions, then the
   * rate. `'more'` when some event stopped at its bound with work left.
   */
  async tick(): Promise<PeriodicOutcome> {
    let more = false;
    for (const event of await this.events.list()) more = (await this.tickEvent(event)) || more;
    return more ? 'more' : undefined;
  }

  /** True when the event stopped at MAX_BATCHES_PER_TICK in either phase. */
  private async tickEvent(event: EventRecord): Promise<boolean> {
    const eventId = event.eventId;
    await this.configSync.refresh(event);

    let sweptAll = false;
    for (let batch = 0; batch < MAX_BATCHES_PER_TICK && !sweptAll; batch++) {
      const swept = await this.store.sweep(eventId, BATCH);
      this.metrics.expiries.inc({ event: eventId, kind: 'session' }, swept.expired);
      this.metrics.expiries.inc({ event: eventId, kind: 'abandoned' }, swept.abandoned);
      this.metrics.expiries.inc({ event: eventId, kind: 'removed' }, swept.removed);
      sweptAll = Math.max(swept.expired, swept.abandoned, swept.removed) < BATCH;
    }

    let promotedAll = false;
    for (let batch = 0; batch < MAX_BATCHES_PER_TICK && !promotedAll; batch++) {
      const promoted = await this.store.promote(eventId, BATCH);
      this.metrics.admissions.inc({ event: eventId, via: 'promotion' }, promoted.admitted);
      this.metrics.expiries.inc({ event: eventId, kind: 'abandoned' }, promoted.abandoned);
      promotedAll = promoted.admitted + promoted.abandoned < BATCH;
    }

    await this.store.refreshRate(eventId);
    return !sweptAll || !promotedAll;
  }

  private async purgeJournal(): Promise<void> {
    const before = new Date(Date.now() - this.config.journalRetentionDays * DAY_MS);
    while ((await this.journal.purgeOlderThan(before, PURGE_BATCH)) === PURGE_BATCH);
  }
}
