import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import type { FoyerConfig } from '@foyer/config';
import { systemClock, type Clock, type QueueStore, type ReadinessChecks } from '@foyer/domain';
import { PrismaEventRepository, PrismaJournalRepository, PrismaQueueHistory, type Database } from '@foyer/persistence';
import {
  CLOCK,
  CONFIG,
  DATABASE,
  EVENT_REPOSITORY,
  FoyerMetrics,
  JOURNAL_REPOSITORY,
  QUEUE_HISTORY,
  QUEUE_STORE,
  queueStorePortProviders,
  READINESS_CHECKS,
} from '@foyer/platform';
import { IdTokenVerifier, SuccessTokens, TicketCodec } from '@foyer/tokens';
import { openDatabaseOrExplain } from './database.factory.js';
import { EmbeddedQueue, openRedisQueueStore } from './queue-store.factory.js';

export interface CoreOptions {
  config: FoyerConfig;
  clock?: Clock;
}

/** Keeps the embedded queue's snapshot and closes the stores last, after HTTP has drained. */
@Injectable()
class StoresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(QUEUE_STORE) private readonly store: QueueStore,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(EmbeddedQueue) private readonly embedded: EmbeddedQueue | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.embedded?.stop();
    await Promise.allSettled([this.store.close(), this.database.close()]);
  }
}

/**
 * The ports and their adapters, chosen from the configuration (`config.queueStore.kind`,
 * `config.database.kind`); global so feature modules just inject.
 */
@Global()
@Module({})
export class FoyerCoreModule {
  static forRoot({ config, clock = systemClock }: CoreOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: CONFIG, useValue: config },
      { provide: CLOCK, useValue: clock },
      // null unless the queue is the embedded one; the queue store is then its store.
      {
        provide: EmbeddedQueue,
        useFactory: () => (config.queueStore.kind === 'embedded' ? EmbeddedQueue.restore(config, clock) : null),
      },
      {
        provide: QUEUE_STORE,
        useFactory: (embedded: EmbeddedQueue | null, metrics: FoyerMetrics) => (embedded ? embedded.store : openRedisQueueStore(config, metrics)),
        inject: [EmbeddedQueue, FoyerMetrics],
      },
      ...queueStorePortProviders(),
      { provide: DATABASE, useFactory: () => openDatabaseOrExplain(config) },
      { provide: EVENT_REPOSITORY, useFactory: (db: Database) => new PrismaEventRepository(db), inject: [DATABASE] },
      { provide: JOURNAL_REPOSITORY, useFactory: (db: Database) => new PrismaJournalRepository(db), inject: [DATABASE] },
      { provide: QUEUE_HISTORY, useFactory: (db: Database) => new PrismaQueueHistory(db), inject: [DATABASE] },
      {
        provide: READINESS_CHECKS,
        useFactory: (queueStore: QueueStore, database: Database): ReadinessChecks => ({ queueStore, database }),
        inject: [QUEUE_STORE, DATABASE],
      },
      { provide: TicketCodec, useFactory: () => new TicketCodec(config.ticketSecret) },
      { provide: IdTokenVerifier, useFactory: () => new IdTokenVerifier(config.entryTokenSecret, undefined, config.entryTokenMaxTtlSec) },
      {
        provide: SuccessTokens,
        useFactory: () =>
          SuccessTokens.create({
            privateKeyPem: config.tokenPrivateKeyPem,
            extraPublicKeysPem: config.tokenPublicKeysPem,
            issuer: config.publicUrl,
          }),
      },
      FoyerMetrics,
      StoresLifecycle,
    ];
    return {
      module: FoyerCoreModule,
      providers,
      exports: providers.filter((p) => p !== StoresLifecycle),
    };
  }
}
