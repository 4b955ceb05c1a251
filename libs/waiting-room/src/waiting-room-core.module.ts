import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { join } from 'node:path';
import type { FoyerConfig } from '@foyer/config';
import { systemClock, type Clock, type QueueStore } from '@foyer/domain';
import { openDatabase, PrismaEventRepository, PrismaJournalRepository, type Database } from '@foyer/persistence';
import { CLOCK, CONFIG, DATABASE, EVENT_LOOKUP, EVENT_REPOSITORY, FoyerMetrics, JOURNAL_REPOSITORY, QUEUE_STORE } from '@foyer/platform';
import { createRedis, MemoryQueueStore, MemorySnapshotFile, readyWithin, RedisQueueStore } from '@foyer/queue-store';
import { IdTokenVerifier, SuccessTokens, TicketCodec } from '@foyer/tokens';
import { EventCatalog } from './events/event-catalog.js';
import { QueueConfigSync } from './events/queue-config-sync.js';
import { JournalForwarder } from './journal/journal-forwarder.js';
import { eventSeriesProviders } from './series/event-series.providers.js';

/** The embedded store is written to disk this often (and on shutdown). */
const SNAPSHOT_EVERY_MS = 5_000;

export interface CoreOptions {
  config: FoyerConfig;
  clock?: Clock;
}

/** Keeps the embedded queue's snapshot current and closes the stores last, after HTTP has drained. */
@Injectable()
class StoresLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Stores');
  private snapshotTimer: NodeJS.Timeout | null = null;
  private snapshotFile: MemorySnapshotFile | null = null;

  constructor(
    @Inject(QUEUE_STORE) private readonly store: QueueStore,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(CONFIG) config: FoyerConfig,
  ) {
    if (store instanceof MemoryQueueStore) {
      const file = new MemorySnapshotFile(snapshotPath(config));
      this.snapshotFile = file;
      this.snapshotTimer = setInterval(() => this.saveSnapshot(), SNAPSHOT_EVERY_MS);
      this.snapshotTimer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.saveSnapshot();
    await Promise.allSettled([this.store.close(), this.database.close()]);
  }

  private saveSnapshot(): void {
    if (!this.snapshotFile || !(this.store instanceof MemoryQueueStore)) return;
    try {
      this.snapshotFile.save(this.store.toSnapshot());
    } catch (err) {
      this.logger.error(`could not write the queue snapshot: ${(err as Error).message}`);
    }
  }
}

function snapshotPath(config: FoyerConfig): string {
  return join(config.dataDir, 'queue-snapshot.json');
}

async function createQueueStore(config: FoyerConfig, clock: Clock): Promise<QueueStore> {
  const { url, clusterNodes, keyPrefix } = config.redis;
  if (url || clusterNodes) {
    // An API process fails fast (→ 503); a worker-only process waits out an outage.
    const profile = config.roles.has('api') ? 'api' : 'worker';
    const redis = createRedis({ url, clusterNodes, profile, name: 'foyer' });
    if (!(await readyWithin(redis))) new Logger('Stores').warn('Redis is not answering yet; queue routes answer 503 until it does');
    return new RedisQueueStore(redis, { keyPrefix });
  }
  const snapshot = new MemorySnapshotFile(snapshotPath(config)).load();
  return snapshot ? MemoryQueueStore.fromSnapshot(snapshot, { clock }) : new MemoryQueueStore({ clock });
}

/**
 * A database that cannot be opened stops the start; the error names which one (the driver's own
 * message, such as `connect ECONNREFUSED 127.0.0.1:5432`, does not), without its password.
 */
async function openDatabaseOrExplain(config: FoyerConfig): Promise<Database> {
  try {
    return await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    const which = config.databaseUrl
      ? `the database at DATABASE_URL=${withoutPassword(config.databaseUrl)}`
      : `the embedded database under ${join(config.dataDir, 'pglite')}`;
    throw new Error(`cannot open ${which}: ${(err as Error).message}`, { cause: err });
  }
}

function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** The ports and their adapters, chosen from the configuration; global so feature modules just inject. */
@Global()
@Module({})
export class FoyerCoreModule {
  static forRoot({ config, clock = systemClock }: CoreOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: CONFIG, useValue: config },
      { provide: CLOCK, useValue: clock },
      { provide: QUEUE_STORE, useFactory: () => createQueueStore(config, clock) },
      {
        provide: DATABASE,
        useFactory: () => openDatabaseOrExplain(config),
      },
      { provide: EVENT_REPOSITORY, useFactory: (db: Database) => new PrismaEventRepository(db), inject: [DATABASE] },
      { provide: JOURNAL_REPOSITORY, useFactory: (db: Database) => new PrismaJournalRepository(db), inject: [DATABASE] },
      { provide: TicketCodec, useFactory: () => new TicketCodec(config.ticketSecret) },
      { provide: IdTokenVerifier, useFactory: () => new IdTokenVerifier(config.entryTokenSecret) },
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
      EventCatalog,
      { provide: EVENT_LOOKUP, useExisting: EventCatalog },
      QueueConfigSync,
      JournalForwarder,
      StoresLifecycle,
      ...eventSeriesProviders(config),
    ];
    return {
      module: FoyerCoreModule,
      providers,
      exports: providers.filter((p) => p !== StoresLifecycle),
    };
  }
}
