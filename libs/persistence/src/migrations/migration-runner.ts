import { randomUUID } from 'node:crypto';
import type { MigrationFile } from './migration-files.js';
import type { SqlSession } from './sql-session.js';

/**
 * The advisory lock key Prisma Migrate takes (`pg_advisory_lock(72707369)`). Taking the same
 * one means this runner, other Foyer processes starting at the same moment, and a
 * `prisma migrate deploy` all wait for each other instead of applying a migration twice.
 */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** How long a starting process waits for another one's migrations before giving up. */
const LOCK_TIMEOUT = '60s';

/** Prisma Migrate's own bookkeeping table, created with Prisma's DDL so `migrate deploy` reads it. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

interface MigrationRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/**
 * Applies the migrations not yet recorded in `_prisma_migrations`, in name order, and records
 * each one the way Prisma Migrate does. Returns the names it applied (empty: nothing to do).
 *
 * Unlike Prisma, each migration runs in one transaction together with its record, so a failure
 * leaves neither half behind and the next start simply tries again. A migration that Prisma
 * itself recorded as failed is refused, as `prisma migrate deploy` would (P3009).
 */
export async function applyMigrations(session: SqlSession, migrations: MigrationFile[]): Promise<string[]> {
  await takeMigrateLock(session);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query<MigrationRow>('SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations');
    const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed.length > 0) {
      const names = failed.map((row) => row.migration_name).join(', ');
      throw new MigrationError(
        `migration ${names} failed earlier and was left half-applied; fix the database and mark it with ` + '`prisma migrate resolve` before starting again',
      );
    }
    const applied = new Set(rows.filter((row) => row.finished_at !== null).map((row) => row.migration_name));
    const pending = migrations.filter((migration) => !applied.has(migration.name));
    for (const migration of pending) await applyOne(session, migration);
    return pending.map((migration) => migration.name);
  } finally {
    await session.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK_KEY})`);
  }
}

async function takeMigrateLock(session: SqlSession): Promise<void> {
  await session.exec(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
  try {
    await session.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})`);
  } catch (err) {
    if ((err as { code?: unknown }).code !== '55P03') throw err;
    throw new MigrationError(`another process has held the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})) for over ${LOCK_TIMEOUT}`, {
      cause: err,
    });
  }
  await session.exec('RESET lock_timeout');
}

async function applyOne(session: SqlSession, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await session.exec('BEGIN');
  try {
    await session.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ($1, $2, $3, NULL, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await session.exec(migration.script);
    // clock_timestamp, not now(): now() is the transaction's start, and Prisma's finished_at
    // comes after its started_at.
    await session.query(`UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`, [id]);
    await session.exec('COMMIT');
  } catch (err) {
    await session.exec('ROLLBACK');
    throw new MigrationError(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
  }
}
