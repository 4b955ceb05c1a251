import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import type { FoyerConfig } from '@foyer/config';
import { RebuildEvent } from '@foyer/application';
import { EVENT_LOOKUP, EVENT_REPOSITORY, QUEUE_HISTORY, QUEUE_REBUILD } from '@foyer/platform';
import { EventCatalog } from './events/event-catalog.js';
import { EventRebuilds } from './events/event-rebuilds.js';
import { QueueConfigSync } from './events/queue-config-sync.js';
import { useCaseProvider } from './use-case.provider.js';
import { JournalForwarder } from './journal/journal-forwarder.js';
import { eventSeriesProviders } from './series/event-series.providers.js';

/**
 * What the waiting room's modules share, over the ports the app provides: the events as the hot
 * paths read them, the queue's copy of their settings, the journal forwarder and the events'
 * series. Global, so the feature modules (and the pages) just inject.
 */
@Global()
@Module({})
export class WaitingRoomCoreModule {
  static forRoot(config: FoyerConfig): DynamicModule {
    const providers: Provider[] = [
      EventCatalog,
      { provide: EVENT_LOOKUP, useExisting: EventCatalog },
      useCaseProvider(RebuildEvent, [QUEUE_REBUILD, QUEUE_HISTORY, EVENT_REPOSITORY]),
      EventRebuilds,
      QueueConfigSync,
      JournalForwarder,
      ...eventSeriesProviders(config),
    ];
    return { module: WaitingRoomCoreModule, providers, exports: providers };
  }
}
