import { join } from 'node:path';
import type { FoyerConfig } from '@foyer/config';
import { openDatabase, type Database } from '@foyer/persistence';
import { dependencyState } from '@foyer/platform';

/**
 * A database that cannot be opened stops the start; the error names which one (the driver's own
 * message, such as `connect ECONNREFUSED 127.0.0.1:5432`, does not), without its password.
 */
export async function openDatabaseOrExplain(config: FoyerConfig): Promise<Database> {
  try {
    // A new pooled connection after an outage is the database answering again (logged once).
    const { onAvailable } = dependencyState.reporter('the database');
    return await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, onConnected: onAvailable });
  } catch (err) {
    const which =
      config.database.kind === 'postgres'
        ? `the database at DATABASE_URL=${withoutPassword(config.databaseUrl ?? '')}`
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
