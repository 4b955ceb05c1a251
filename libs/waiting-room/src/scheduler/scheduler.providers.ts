import type { FoyerConfig } from '@foyer/config';
import { JournalRetention, SchedulerTick, WriteCheckpoints } from '@foyer/application';
import type { Clock, EventRepository, JournalRepository, QueueHistory } from '@foyer/domain';
import { CLOCK, CONFIG, EVENT_REPOSITORY, FoyerMetrics, JOURNAL_REPOSITORY, QUEUE_HISTORY, QUEUE_OPERATIONS } from '@foyer/platform';
import { QueueConfigSync } from '../events/queue-config-sync.js';
import { useCaseProvider } from '../use-case.provider.js';

/** The use cases `QueueScheduler` runs on its timers. */
export const schedulerUseCaseProviders = [
  useCaseProvider(SchedulerTick, [QUEUE_OPERATIONS, EVENT_REPOSITORY, QueueConfigSync, FoyerMetrics]),
  {
    provide: JournalRetention,
    useFactory: (journal: JournalRepository, clock: Clock, config: FoyerConfig, history: QueueHistory, events: EventRepository) =>
      new JournalRetention(journal, clock, config.journalRetentionDays, new WriteCheckpoints(history, events, clock)),
    inject: [JOURNAL_REPOSITORY, CLOCK, CONFIG, QUEUE_HISTORY, EVENT_REPOSITORY],
  },
];
