import { SchedulerRegistry } from '@nestjs/schedule';
import type { FoyerConfig } from '@foyer/config';
import { FakeClock } from '@foyer/domain';
import type { LifecycleNotifier } from '../lifecycle/lifecycle-notifier.js';
import type { CallbackDispatchRepository } from '../store/callback-dispatch.repository.js';
import { CallbackHousekeeping } from './callback-housekeeping.js';
import type { CallbackWakeups } from './callback-wakeups.js';

describe('CallbackHousekeeping', () => {
  it('purges what finished before the retention period, by the clock', async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 10));
    const cutoffs: Date[] = [];
    const repository = {
      purgeFinished: (before: Date) => {
        cutoffs.push(before);
        return Promise.resolve(0);
      },
      purgeEmptyGroups: () => Promise.resolve(0),
    } as unknown as CallbackDispatchRepository;
    const housekeeping = new CallbackHousekeeping(
      { callbackRetentionDays: 7 } as FoyerConfig,
      clock,
      {} as LifecycleNotifier,
      repository,
      {} as CallbackWakeups,
      new SchedulerRegistry(),
    );
    await housekeeping.purge();
    expect(cutoffs).toEqual([new Date(Date.UTC(2026, 5, 3))]);
  });

  it('schedules its timers through schedulePeriodic and removes them on shutdown', () => {
    const registry = new SchedulerRegistry();
    const housekeeping = new CallbackHousekeeping(
      { callbackRetentionDays: 7 } as FoyerConfig,
      new FakeClock(),
      {} as LifecycleNotifier,
      {} as CallbackDispatchRepository,
      {} as CallbackWakeups,
      registry,
    );
    housekeeping.onApplicationBootstrap();
    expect(registry.getIntervals().sort()).toEqual(['callback-lifecycle-notifier', 'callback-retention']);
    housekeeping.onApplicationShutdown();
    expect(registry.getIntervals()).toEqual([]);
  });
});
