import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { reportingOutages } from './database-unavailable.js';
import { PrismaClient } from './generated/prisma/client.js';
import { defaultMigrationsDir, readMigrationFiles } from './migrations/migration-files.js';
import { applyMigrations } from './migrations/migration-runner.js';
import { pgliteSession, pgSession } from './migrations/sql-session.js';
import { statementNamer } from './statement-names.js';

export interface Database {
  /** Answers an outage with the domain's `StoreUnavailableError` (`reportingOutages`). */
  prisma: PrismaClient;
  kind: 'postgres' | 'pglite';
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; `null` opens the embedded PGlite database under `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** Defaults to the repository's `prisma/migrations`. */
  migrationsDir?: string;
  /** Told each time the PostgreSQL pool opens a connection: the database answers (again). */
  onConnected?: () => void;
}

/** A request fails fast rather than hang when the server cannot be reached. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Journal writers queue on one advisory lock (and PGlite runs one transaction at a time), so a
 * transaction may wait well past Prisma's defaults (2 s to start, 5 s to finish) under load.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 };

/** Opens the database and applies pending migrations before resolving. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrations = await readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());
  return options.databaseUrl === null
    ? openPglite(join(options.dataDir, 'pglite'), migrations)
    : openPostgres(options.databaseUrl, migrations, options.onConnected);
}

type Migrations = Awaited<ReturnType<typeof readMigrationFiles>>;

async function openPostgres(databaseUrl: string, migrations: Migrations, onConnected?: () => void): Promise<Database> {
  // Migrations run on a connection of their own: their files hold several statements each, and
  // Prisma Migrate's session-level advisory lock must stay on one connection.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await applyMigrations(pgSession(client), migrations);
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // pg emits a connection's loss as an 'error' event on the client; while the pool has lent the
  // client out (between a transaction's queries, say) nothing listens, and the event would end the
  // process. The query in hand fails on its own and the pool replaces the client, so listening is
  // all that is needed here.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    onConnected?.();
  });
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    // pg sends a statement the generator leaves unnamed as before; Prisma's type says string only.
    statementNameGenerator: statementNamer() as (query: { sql: string }) => string,
  });
  const prisma = reportingOutages(new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS }));
  return {
    prisma,
    kind: 'postgres',
    ping: () => ping(prisma),
    close: () => prisma.$disconnect(),
  };
}

async function openPglite(dir: string, migrations: Migrations): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  try {
    await applyMigrations(pgliteSession(pglite), migrations);
  } catch (err) {
    await pglite.close();
    throw err;
  }
  const prisma = reportingOutages(new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TRANSACTION_OPTIONS }));
  return {
    prisma,
    kind: 'pglite',
    ping: () => ping(prisma),
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function ping(prisma: PrismaClient): Promise<void> {
  await prisma.$executeRaw`SELECT 1`;
}
