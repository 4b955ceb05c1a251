import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { FoyerConfig } from '@foyer/config';
import type { Clock } from '@foyer/domain';
import { CLOCK, CONFIG, schedulePeriodic } from '@foyer/platform';
import { LifecycleNotifier } from '../lifecycle/lifecycle-notifier.js';
import { CallbackDispatchRepository } from '../store/callback-dispatch.repository.js';
import { CallbackWakeups } from './callback-wakeups.js';

const NOTIFY_EVERY_MS = 250;
const RETENTION_EVERY_MS = 60_000;
const PURGE_BATCH = 1_000;
const DAY_MS = 86_400_000;

/**
 * The dispatcher role's timers: lifecycle notifications from the journal, and retention of
 * finished messages (DONE, SKIPPED) and of groups left empty, in small batches.
 */
@Injectable()
export class CallbackHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly names = ['callback-lifecycle-notifier', 'callback-retention'];

  constructor(
    @Inject(CONFIG) private readonly config: FoyerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly notifier: LifecycleNotifier,
    private readonly repository: CallbackDispatchRepository,
    private readonly wakeups: CallbackWakeups,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    schedulePeriodic(this.registry, this.names[0], NOTIFY_EVERY_MS, () => this.notify());
    schedulePeriodic(this.registry, this.names[1], RETENTION_EVERY_MS, () => this.purge());
  }

  onApplicationShutdown(): void {
    for (const name of this.names) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
  }

  /** Enqueues every notification the journal holds now. */
  async notify(): Promise<number> {
    let enqueued = 0;
    for (;;) {
      const batch = await this.notifier.runOnce();
      enqueued += batch.enqueued;
      if (batch.enqueued > 0) this.wakeups.announce();
      if (batch.read === 0) return enqueued;
    }
  }

  async purge(): Promise<void> {
    const before = new Date(this.clock.now() - this.config.callbackRetentionDays * DAY_MS);
    while ((await this.repository.purgeFinished(before, PURGE_BATCH)) === PURGE_BATCH);
    while ((await this.repository.purgeEmptyGroups(PURGE_BATCH)) === PURGE_BATCH);
  }
}
