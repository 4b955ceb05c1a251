import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import type { FoyerConfig } from '@foyer/config';
import type { Database } from '@foyer/persistence';
import { CONFIG, DATABASE } from '@foyer/platform';

const CHANNEL = 'foyer_callbacks';
const RECONNECT_MS = 1_000;

/**
 * Tells dispatchers that a group may have become due (a message accepted, retried or skipped), so
 * they claim at once instead of waiting for their fallback poll. In this process directly; to
 * other processes through PostgreSQL `NOTIFY` (the embedded PGlite database serves one process, so
 * there the in-process wake-up is all there is). Announcements are coalesced: at most one NOTIFY
 * in flight, plus one more if anything was announced meanwhile.
 */
@Injectable()
export class CallbackWakeups implements OnApplicationShutdown {
  private readonly logger = new Logger('CallbackWakeups');
  private readonly listeners = new Set<() => void>();
  private notifying = false;
  private notifyAgain = false;
  private listener: pg.Client | null = null;
  private listening = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(CONFIG) private readonly config: FoyerConfig,
  ) {}

  announce(): void {
    for (const listener of this.listeners) listener();
    if (this.database.kind !== 'postgres') return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    void this.database.prisma
      .$executeRawUnsafe(`SELECT pg_notify('${CHANNEL}', '')`)
      .catch((err: unknown) => this.logger.debug(`NOTIFY failed (dispatchers fall back to polling): ${String(err)}`))
      .finally(() => {
        this.notifying = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.announce();
        }
      });
  }

  /** Calls `wake` on every announcement, from this process or (PostgreSQL) any other. */
  subscribe(wake: () => void): void {
    this.listeners.add(wake);
    if (this.database.kind === 'postgres' && this.config.databaseUrl && !this.listening) {
      this.listening = true;
      void this.connectListener();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.listener;
    this.listener = null;
    await client?.end().catch(() => undefined);
  }

  private async connectListener(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.config.databaseUrl ?? undefined, connectionTimeoutMillis: 5_000 });
    const retry = (err?: unknown) => {
      if (this.listener === client) this.listener = null;
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      if (this.closed || this.reconnectTimer) return;
      if (err) this.logger.warn(`LISTEN connection lost (${err instanceof Error ? err.message : JSON.stringify(err)}); dispatchers poll until it is back`);
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = null;
        void this.connectListener();
      }, RECONNECT_MS);
      this.reconnectTimer.unref();
    };
    client.on('error', retry);
    client.on('end', () => retry());
    client.on('notification', () => {
      for (const listener of this.listeners) listener();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.listener = client;
      // Anything announced while the connection was down is caught by this one wake-up.
      for (const listener of this.listeners) listener();
    } catch (err) {
      retry(err);
    }
  }
}
