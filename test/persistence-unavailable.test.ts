import { jest } from '@jest/globals';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { isDatabaseUnavailable, openDatabase, PrismaClient } from '@foyer/persistence';
import { createTarget, databaseForSuite } from './persistence-targets.js';
import { eventually } from './support/services.js';

// Creating a PGlite database (initdb in WebAssembly) takes seconds on a busy machine.
jest.setTimeout(60_000);

/** Nothing listens on port 1 of the loopback address: connecting is refused at once. */
const UNREACHABLE_URL = 'postgresql://postgres@127.0.0.1:1/foyer';

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );

describe('isDatabaseUnavailable', () => {
  const suite = databaseForSuite('postgres');

  it('is true when PostgreSQL refuses the connection at start', async () => {
    const err = await failure(openDatabase({ databaseUrl: UNREACHABLE_URL, dataDir: suite.target.options.dataDir }));
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('is true when a Prisma query cannot reach the server', async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: UNREACHABLE_URL }) });
    try {
      const err = await failure(prisma.event.findMany());
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('is true when the server ends the connection under a running query', async () => {
    const query = failure(suite.db.prisma.$executeRawUnsafe(`SELECT pg_sleep(30) /* foyer-terminate-me */`));
    const admin = new pg.Client({ connectionString: suite.target.options.databaseUrl! });
    await admin.connect();
    try {
      await eventually(
        async () =>
          (
            await admin.query(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE query LIKE '%foyer-terminate-me%' AND pid <> pg_backend_pid()`,
            )
          ).rowCount === 1,
        15_000,
        'the sleeping query to be terminated',
      );
    } finally {
      await admin.end();
    }
    expect(isDatabaseUnavailable(await query)).toBe(true);
    // The pool replaces the lost connection.
    await eventually(() => suite.db.ping().then(() => true), 15_000, 'the database to answer again');
  });

  it('is true for a closed embedded database', async () => {
    const pgliteTarget = await createTarget('pglite');
    try {
      const embedded = await openDatabase(pgliteTarget.options);
      await embedded.close();
      expect(isDatabaseUnavailable(await failure(embedded.ping()))).toBe(true);
    } finally {
      await pgliteTarget.dispose();
    }
  });

  it('is false for errors of the query itself', async () => {
    const row = {
      eventId: 'dup',
      name: 'Dup',
      limitCnt: 1,
      status: 'OPEN' as const,
      sessionTtlSec: 1,
      waitTimeoutSec: 1,
      minPollIntervalMs: 0,
      blockReentry: true,
      idPolicy: 'OPEN' as const,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await suite.db.prisma.event.create({ data: row });
    const duplicate = await failure(suite.db.prisma.event.create({ data: row }));
    expect(duplicate).toMatchObject({ code: 'P2002' });
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isDatabaseUnavailable(await failure(suite.db.prisma.$executeRawUnsafe('SELEC 1')))).toBe(false);
    expect(isDatabaseUnavailable(new Error('something else'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
