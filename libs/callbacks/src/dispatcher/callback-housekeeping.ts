import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { FoyerConfig } from '@foyer/config';
import { CONFIG } from '@foyer/platform';
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
    private readonly notifier: LifecycleNotifier,
    private readonly repository: CallbackDispatchRepository,
    private readonly wakeups: CallbackWakeups,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    every(this.registry, this.names[0], NOTIFY_EVERY_MS, () => this.notify());
    every(this.registry, this.names[1], RETENTION_EVERY_MS, () => this.purge());
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
    const before = new Date(Date.now() - this.config.callbackRetentionDays * DAY_MS);
    while ((await this.repository.purgeFinished(before, PURGE_BATCH)) === PURGE_BATCH);
    while ((await this.repository.purgeEmptyGroups(PURGE_BATCH)) === PURGE_BATCH);
  }
}

/**
 * Runs `work` every `periodMs`, never two runs at once, logging a failure once per streak
 * rather than on every tick of an outage.
 */
function every(registry: SchedulerRegistry, name: string, periodMs: number, work: () => Promise<unknown>): void {
  const logger = new Logger(name);
  let running = false;
  let lastFailure = '';
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    work()
      .then(() => (lastFailure = ''))
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (message !== lastFailure) logger.warn(`failed: ${message}`);
        lastFailure = message;
      })
      .finally(() => (running = false));
  }, periodMs);
  registry.addInterval(name, timer);
}
