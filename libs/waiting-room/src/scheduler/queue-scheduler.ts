import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { JournalRetention, SchedulerTick } from '@foyer/application';
import type { FoyerConfig } from '@foyer/config';
import { CONFIG, schedulePeriodic } from '@foyer/platform';
import { JournalForwarder } from '../journal/journal-forwarder.js';

const FORWARD_EVERY_MS = 250;
const RETENTION_EVERY_MS = 60_000;

/**
 * The timers of the `scheduler` role: the tick (promotion and expiry) every SCHEDULER_TICK_MS,
 * the journal forwarder, and retention. What each timer does is its use case's.
 */
@Injectable()
export class QueueScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly names = ['queue-tick', 'journal-forwarder', 'journal-retention'];

  constructor(
    @Inject(CONFIG) private readonly config: FoyerConfig,
    private readonly schedulerTick: SchedulerTick,
    private readonly retention: JournalRetention,
    private readonly forwarder: JournalForwarder,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    schedulePeriodic(this.registry, 'queue-tick', this.config.schedulerTickMs, () => this.tick());
    schedulePeriodic(this.registry, 'journal-forwarder', FORWARD_EVERY_MS, () => this.forwarder.forwardAll(FORWARD_EVERY_MS));
    schedulePeriodic(this.registry, 'journal-retention', RETENTION_EVERY_MS, () => this.retention.execute());
  }

  onApplicationShutdown(): void {
    for (const name of this.names) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
  }

  /** One pass over every event: settings, then ends (which free slots), then admissions, then the rate. */
  tick(): Promise<void> {
    return this.schedulerTick.execute();
  }
}
