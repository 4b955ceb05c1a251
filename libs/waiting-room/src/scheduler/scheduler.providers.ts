import type { FoyerConfig } from '@foyer/config';
import { JournalRetention, SchedulerTick } from '@foyer/application';
import type { Clock, JournalRepository } from '@foyer/domain';
import { CLOCK, CONFIG, EVENT_REPOSITORY, FoyerMetrics, JOURNAL_REPOSITORY, QUEUE_OPERATIONS } from '@foyer/platform';
import { QueueConfigSync } from '../events/queue-config-sync.js';
import { useCaseProvider } from '../use-case.provider.js';

/** The use cases `QueueScheduler` runs on its timers. */
export const schedulerUseCaseProviders = [
  useCaseProvider(SchedulerTick, [QUEUE_OPERATIONS, EVENT_REPOSITORY, QueueConfigSync, FoyerMetrics]),
  {
    provide: JournalRetention,
    useFactory: (journal: JournalRepository, clock: Clock, config: FoyerConfig) => new JournalRetention(journal, clock, config.journalRetentionDays),
    inject: [JOURNAL_REPOSITORY, CLOCK, CONFIG],
  },
];
