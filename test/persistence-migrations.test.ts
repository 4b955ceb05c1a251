import { jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import {
  defaultMigrationsDir,
  MigrationError,
  openDatabase,
  PrismaEventRepository,
  PRISMA_MIGRATE_LOCK_KEY,
  type Database,
  type OpenDatabaseOptions,
} from '@foyer/persistence';
import { createTarget, TARGET_KINDS, type Target } from './persistence-targets.js';
import { createTempDir, eventually } from './support/services.js';

// Creating a PGlite database (initdb in WebAssembly) takes seconds on a busy machine.
jest.setTimeout(60_000);

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const readRows = (db: Database) => db.prisma.$queryRawUnsafe<MigrationRow[]>('SELECT * FROM _prisma_migrations ORDER BY migration_name, started_at');

const tableExists = async (db: Database, table: string) =>
  (
    await db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = $1`,
      table,
    )
  )[0].n === 1;

/** Opens, runs `work`, closes: PGlite allows one open instance per directory. */
async function withDatabase<T>(options: OpenDatabaseOptions, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(options);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** A copy of the repository's migrations that a test may add to. */
async function copyOfMigrations(): Promise<{
  dir: string;
  add(name: string, sql: string): Promise<void>;
  remove(): void;
}> {
  const temp = createTempDir();
  const dir = join(temp.path, 'migrations');
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return {
    dir,
    async add(name, sql) {
      await mkdir(join(dir, name), { recursive: true });
      await writeFile(join(dir, name, 'migration.sql'), sql);
    },
    remove: () => temp.remove(),
  };
}

describe.each(TARGET_KINDS)('persistence migrations on %s', (kind) => {
  let target: Target;

  beforeAll(async () => {
    target = await createTarget(kind);
  });

  afterAll(async () => {
    await target?.dispose();
  });

  it('applies every migration once and records it as Prisma Migrate does', async () => {
    const dir = defaultMigrationsDir();
    const names = (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(names.length).toBeGreaterThan(0);

    const rows = await withDatabase(target.options, readRows);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const file = await readFile(join(dir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("creates _prisma_migrations with Prisma Migrate's columns", async () => {
    const columns = await withDatabase(target.options, (db) =>
      db.prisma.$queryRawUnsafe<{ column_name: string; data_type: string; max: number | null; nullable: string }[]>(
        `SELECT column_name::text, data_type::text, character_maximum_length::int AS max, is_nullable::text AS nullable
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      ),
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', max: 36, nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', max: 64, nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', max: null, nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', max: 255, nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', max: null, nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', max: null, nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', max: null, nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', max: null, nullable: 'NO' },
    ]);
  });

  it('does nothing on a second open, and the data stays', async () => {
    const first = await withDatabase(target.options, async (db) => {
      await new PrismaEventRepository(db).create({
        eventId: 'kept',
        name: 'Kept',
        limitCnt: 1,
        status: 'OPEN',
        successUrl: null,
        callbackUrl: null,
        sessionTtlSec: 60,
        waitTimeoutSec: 60,
        minPollIntervalMs: 0,
        blockReentry: true,
        idPolicy: 'OPEN',
        message: null,
      });
      return readRows(db);
    });
    await withDatabase(target.options, async (db) => {
      expect(await readRows(db)).toEqual(first);
      expect((await new PrismaEventRepository(db).get('kept'))?.name).toBe('Kept');
    });
  });

  it('applies only the migrations not yet applied', async () => {
    const migrations = await copyOfMigrations();
    try {
      await migrations.add('29990101000000_add_probe', 'CREATE TABLE "probe" ("id" INTEGER NOT NULL);\n');
      const before = await withDatabase(target.options, readRows);
      await withDatabase({ ...target.options, migrationsDir: migrations.dir }, async (db) => {
        const rows = await readRows(db);
        expect(rows.slice(0, before.length)).toEqual(before);
        expect(rows.slice(before.length).map((row) => row.migration_name)).toEqual(['29990101000000_add_probe']);
        expect(await tableExists(db, 'probe')).toBe(true);
      });
    } finally {
      migrations.remove();
    }
  });

  it('rolls a failing migration back whole, records nothing, and applies it once fixed', async () => {
    const migrations = await copyOfMigrations();
    try {
      const name = '29990102000000_broken';
      await migrations.add(name, 'CREATE TABLE "half" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');
      const options = { ...target.options, migrationsDir: migrations.dir };
      const failure = await openDatabase(options).then(
        () => new Error('opened'),
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(MigrationError);
      expect((failure as Error).message).toContain(name);

      await withDatabase(target.options, async (db) => {
        expect(await tableExists(db, 'half')).toBe(false);
        expect((await readRows(db)).map((row) => row.migration_name)).not.toContain(name);
      });

      await migrations.add(name, 'CREATE TABLE "half" ("id" INTEGER);\n');
      await withDatabase(options, async (db) => {
        expect(await tableExists(db, 'half')).toBe(true);
        expect((await readRows(db)).map((row) => row.migration_name)).toContain(name);
      });
    } finally {
      migrations.remove();
    }
  });

  it('refuses to start over a migration Prisma Migrate recorded as failed', async () => {
    const own = await createTarget(kind);
    try {
      await withDatabase(own.options, (db) =>
        db.prisma.$executeRawUnsafe(
          `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count)
           VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29990103000000_failed', 'boom', now(), 0)`,
        ),
      );
      await expect(openDatabase(own.options)).rejects.toThrow(/29990103000000_failed.*prisma migrate resolve/);
    } finally {
      await own.dispose();
    }
  });
});

describe('persistence migrations on postgres, several processes', () => {
  let target: Target;

  beforeEach(async () => {
    target = await createTarget('postgres');
  });

  afterEach(async () => {
    await target?.dispose();
  });

  it('migrates once when several processes start at the same moment', async () => {
    const dbs = await Promise.all(Array.from({ length: 4 }, () => openDatabase(target.options)));
    try {
      const rows = await readRows(dbs[0]);
      expect(rows.length).toBeGreaterThan(0);
      expect(new Set(rows.map((row) => row.migration_name)).size).toBe(rows.length);
      for (const db of dbs) await db.ping();
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it("waits for Prisma Migrate's advisory lock", async () => {
    const holder = new pg.Client({ connectionString: target.options.databaseUrl! });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})`);
      let opened = false;
      const opening = openDatabase(target.options).then((db) => {
        opened = true;
        return db;
      });
      await eventually(
        async () =>
          (await holder.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = ${PRISMA_MIGRATE_LOCK_KEY} AND NOT granted`)).rowCount === 1,
        15_000,
        'the opening process to wait for the lock',
      );
      expect(opened).toBe(false);
      const tablesWhileLocked = await holder.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'events'`);
      expect(tablesWhileLocked.rowCount).toBe(0);

      await holder.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK_KEY})`);
      const db = await opening;
      await db.close();
      const tables = await holder.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'events'`);
      expect(tables.rowCount).toBe(1);
    } finally {
      await holder.end();
    }
  });
});
