import { afterAll, beforeAll } from '@jest/globals';
import { openDatabase, type Database, type OpenDatabaseOptions } from '@foyer/persistence';
import { createTempDir, createTestDatabase } from './support/services.js';

export type TargetKind = 'postgres' | 'pglite';
/** Every persistence test runs against both: one schema, one set of migrations, two engines. */
export const TARGET_KINDS: TargetKind[] = ['postgres', 'pglite'];

/** A fresh, empty place to open a database: a new PostgreSQL database or a new PGlite directory. */
export interface Target {
  kind: TargetKind;
  options: OpenDatabaseOptions;
  dispose(): Promise<void>;
}

export async function createTarget(kind: TargetKind): Promise<Target> {
  const dataDir = createTempDir();
  if (kind === 'pglite') {
    return { kind, options: { databaseUrl: null, dataDir: dataDir.path }, dispose: async () => dataDir.remove() };
  }
  const database = await createTestDatabase();
  return {
    kind,
    options: { databaseUrl: database.url, dataDir: dataDir.path },
    async dispose() {
      await database.drop();
      dataDir.remove();
    },
  };
}

/** A database opened on a fresh target for the enclosing `describe`, closed and removed after it. */
export function databaseForSuite(kind: TargetKind): { readonly db: Database; readonly target: Target } {
  const suite = {} as { db: Database; target: Target };
  beforeAll(async () => {
    suite.target = await createTarget(kind);
    suite.db = await openDatabase(suite.target.options);
  });
  afterAll(async () => {
    await suite.db?.close();
    await suite.target?.dispose();
  });
  return suite;
}
