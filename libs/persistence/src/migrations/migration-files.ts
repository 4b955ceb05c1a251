import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A migration as Prisma Migrate lays it out: `<migrations>/<name>/migration.sql`. */
export interface MigrationFile {
  name: string;
  script: string;
  /** What Prisma Migrate stores in `_prisma_migrations.checksum`: SHA-256 of the file, hex. */
  checksum: string;
}

export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/**
 * The repository's `prisma/migrations`, found by walking up from this file, so it is the same
 * folder whether the code runs from `libs/` (tests, ts) or from `dist/libs/` (the build).
 */
export function defaultMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('prisma/migrations not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Every migration in the folder, in the order Prisma applies them (by name: timestamp first). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const script = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, script, checksum: migrationChecksum(script) };
    }),
  );
}
