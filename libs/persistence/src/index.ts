export { openDatabase, type Database, type OpenDatabaseOptions } from './database.js';
export { isDatabaseUnavailable } from './database-unavailable.js';
export { JOURNAL_LOCK_KEY } from './journal-lock.js';
export { PrismaEventRepository } from './prisma-event.repository.js';
export { PrismaJournalRepository, journalSourceKey } from './prisma-journal.repository.js';
export { PrismaQueueHistory } from './prisma-queue-history.js';
export { MigrationError, PRISMA_MIGRATE_LOCK_KEY } from './migrations/migration-runner.js';
export { defaultMigrationsDir, migrationChecksum } from './migrations/migration-files.js';
export { PrismaClient, Prisma } from './generated/prisma/client.js';
