import { jest } from '@jest/globals';
import { FakeClock, type EventSettings, type JournalEntry, type QueueJournalEntry } from '@foyer/domain';
import { JOURNAL_LOCK_KEY, openDatabase, PrismaEventRepository, PrismaJournalRepository, type Database } from '@foyer/persistence';
import { createTarget, databaseForSuite, TARGET_KINDS, type Target } from './persistence-targets.js';
import { eventually } from './support/services.js';

// Creating a PGlite database (initdb in WebAssembly) takes seconds on a busy machine.
jest.setTimeout(60_000);

const settings = (eventId: string, overrides: Partial<EventSettings> = {}): EventSettings => ({
  eventId,
  name: `Event ${eventId}`,
  limitCnt: 10,
  status: 'OPEN',
  successUrl: null,
  callbackUrl: null,
  sessionTtlSec: 600,
  waitTimeoutSec: 300,
  minPollIntervalMs: 1000,
  blockReentry: true,
  idPolicy: 'OPEN',
  message: null,
  ...overrides,
});

let entrySeq = 0;
const queueEntry = (eventId: string, overrides: Partial<QueueJournalEntry> = {}): QueueJournalEntry => {
  entrySeq += 1;
  return {
    entryId: `1700000000000-${entrySeq}`,
    type: 'user.entered',
    eventId,
    id: `user-${entrySeq}`,
    at: Date.UTC(2026, 0, 1, 0, 0, 0, entrySeq % 1000),
    payload: { seq: entrySeq },
    ...overrides,
  };
};

describe.each(TARGET_KINDS)('persistence repositories on %s', (kind) => {
  let target: Target;
  let db: Database;
  let clock: FakeClock;
  let events: PrismaEventRepository;
  let journal: PrismaJournalRepository;

  /** Every entry of the journal, read straight through Prisma. */
  const allOffsets = async () =>
    (await db.prisma.journalEntry.findMany({ orderBy: { offset: 'asc' }, select: { offset: true } })).map((row) => Number(row.offset));
  const entriesOf = async (eventId: string) => (await journal.page(0, 1000, eventId)).items;
  const expectDense = async () => {
    const offsets = await allOffsets();
    expect(offsets).toEqual(offsets.map((_, i) => i + 1));
    return offsets;
  };

  beforeAll(async () => {
    target = await createTarget(kind);
    db = await openDatabase(target.options);
  });

  afterAll(async () => {
    await db?.close();
    await target?.dispose();
  });

  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    events = new PrismaEventRepository(db, clock);
    journal = new PrismaJournalRepository(db);
  });

  it('opens a database of the kind asked for, which answers a ping', async () => {
    expect(db.kind).toBe(kind);
    await expect(db.ping()).resolves.toBeUndefined();
  });

  describe('events', () => {
    it('creates an event, reads it back, and journals event.created with its settings', async () => {
      const created = await events.create(settings('ev-create'));
      const at = new Date(clock.now());
      expect(created).toEqual({ ...settings('ev-create'), createdAt: at, updatedAt: at });
      expect(await events.get('ev-create')).toEqual(created);
      expect((await events.list()).map((event) => event.eventId)).toContain('ev-create');

      const [entry, ...rest] = await entriesOf('ev-create');
      expect(rest).toEqual([]);
      expect(entry).toMatchObject({ type: 'event.created', eventId: 'ev-create', id: null, createdAt: at });
      expect(entry.payload).toEqual(settings('ev-create'));
    });

    it('round-trips every field, nullable ones filled and every enum value', async () => {
      const full = settings('ev-full', {
        status: 'DRAFT',
        idPolicy: 'SIGNED',
        successUrl: 'https://shop.example/ok',
        callbackUrl: 'https://shop.example/hook',
        message: 'Doors open at 10:00 — 한국어 too',
        blockReentry: false,
        limitCnt: 1_000_000,
        sessionTtlSec: 86_400,
        waitTimeoutSec: 1,
        minPollIntervalMs: 0,
      });
      await events.create(full);
      expect(await events.get('ev-full')).toMatchObject(full);
      for (const status of ['OPEN', 'PAUSED', 'CLOSED', 'DRAFT'] as const) {
        expect((await events.update('ev-full', { status }))?.status).toBe(status);
      }
      expect(await events.update('ev-full', { successUrl: null, callbackUrl: null, message: null })).toMatchObject({
        successUrl: null,
        callbackUrl: null,
        message: null,
      });
    });

    it('does not copy stray properties of the caller object into the row or the journal', async () => {
      const withExtra = { ...settings('ev-extra'), stats: { waiting: 3 } } as EventSettings;
      const created = await events.create(withExtra);
      expect(created).not.toHaveProperty('stats');
      expect((await entriesOf('ev-extra'))[0].payload).not.toHaveProperty('stats');
    });

    it('answers null to a duplicate id, keeps the first event, and journals nothing for it', async () => {
      const first = await events.create(settings('ev-dup', { name: 'First' }));
      clock.advance(1000);
      expect(await events.create(settings('ev-dup', { name: 'Second' }))).toBeNull();
      expect(await events.get('ev-dup')).toEqual(first);
      expect((await entriesOf('ev-dup')).map((entry) => entry.type)).toEqual(['event.created']);
      await expectDense();
    });

    it('lets exactly one of many concurrent creates of one id win', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => events.create(settings('ev-race', { name: `Racer ${i}` }))));
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(await events.get('ev-race')).toEqual(winners[0]);
      expect(await entriesOf('ev-race')).toHaveLength(1);
      await expectDense();
    });

    it('updates only what changed and journals just those fields', async () => {
      await events.create(settings('ev-update'));
      clock.advance(5000);
      const updated = await events.update('ev-update', { limitCnt: 20, name: 'Event ev-update', message: 'Hello' });
      expect(updated).toEqual({
        ...settings('ev-update'),
        limitCnt: 20,
        message: 'Hello',
        createdAt: new Date(clock.now() - 5000),
        updatedAt: new Date(clock.now()),
      });
      expect(await events.get('ev-update')).toEqual(updated);

      const entries = await entriesOf('ev-update');
      expect(entries.map((entry) => entry.type)).toEqual(['event.created', 'event.updated']);
      expect(entries[1].payload).toEqual({ changes: { limitCnt: 20, message: 'Hello' } });
      expect(entries[1].createdAt).toEqual(new Date(clock.now()));
      expect(entries[1].id).toBeNull();
    });

    it('leaves the row and the journal alone when nothing changes', async () => {
      const created = await events.create(settings('ev-noop'));
      clock.advance(5000);
      expect(await events.update('ev-noop', {})).toEqual(created);
      expect(await events.update('ev-noop', { limitCnt: 10, name: 'Event ev-noop', message: undefined })).toEqual(created);
      expect(await events.get('ev-noop')).toEqual(created);
      expect(await entriesOf('ev-noop')).toHaveLength(1);
    });

    it('moves updatedAt strictly forward even when the clock does not', async () => {
      const created = await events.create(settings('ev-version'));
      const first = await events.update('ev-version', { limitCnt: 1 });
      const second = await events.update('ev-version', { limitCnt: 2 });
      expect(first!.updatedAt.getTime()).toBe(created!.updatedAt.getTime() + 1);
      expect(second!.updatedAt.getTime()).toBe(created!.updatedAt.getTime() + 2);
    });

    it('answers null to an update of a missing event and journals nothing', async () => {
      const before = await allOffsets();
      expect(await events.update('ev-missing', { limitCnt: 5 })).toBeNull();
      expect(await allOffsets()).toEqual(before);
    });

    it('deletes once, journaling event.deleted', async () => {
      await events.create(settings('ev-delete'));
      clock.advance(10);
      expect(await events.delete('ev-delete')).toBe(true);
      expect(await events.get('ev-delete')).toBeNull();
      expect((await events.list()).map((event) => event.eventId)).not.toContain('ev-delete');
      expect(await events.delete('ev-delete')).toBe(false);

      const entries = await entriesOf('ev-delete');
      expect(entries.map((entry) => entry.type)).toEqual(['event.created', 'event.deleted']);
      expect(entries[1]).toMatchObject({ id: null, payload: {}, createdAt: new Date(clock.now()) });
      // The id is free again.
      expect(await events.create(settings('ev-delete'))).not.toBeNull();
    });

    it('lists events in creation order', async () => {
      clock.set(Date.UTC(2030, 0, 1));
      await events.create(settings('ev-list-b'));
      clock.advance(1);
      await events.create(settings('ev-list-a'));
      const ids = (await events.list()).map((event) => event.eventId);
      expect(ids.indexOf('ev-list-b')).toBeLessThan(ids.indexOf('ev-list-a'));
      expect(ids.slice(-2)).toEqual(['ev-list-b', 'ev-list-a']);
    });
  });

  describe('journal', () => {
    it('appends queue entries with the next offsets and pages them back', async () => {
      const batch = [queueEntry('jr-append'), queueEntry('jr-append', { type: 'user.admitted' }), queueEntry('jr-append')];
      const before = await allOffsets();
      expect(await journal.appendQueueEntries(batch)).toBe(3);

      const items = await entriesOf('jr-append');
      const last = before.length === 0 ? 0 : before[before.length - 1];
      expect(items).toEqual(
        batch.map((entry, i): JournalEntry => ({
          offset: last + i + 1,
          type: entry.type,
          eventId: 'jr-append',
          id: entry.id,
          payload: entry.payload,
          createdAt: new Date(entry.at),
        })),
      );
      await expectDense();
    });

    it('stores sourceKey as eventId/entryId', async () => {
      const entry = queueEntry('jr-key');
      await journal.appendQueueEntries([entry]);
      const row = await db.prisma.journalEntry.findFirst({ where: { eventId: 'jr-key' } });
      expect(row?.sourceKey).toBe(`jr-key/${entry.entryId}`);
      expect(row?.userId).toBe(entry.id);
    });

    it('is idempotent by entry: a batch forwarded again adds nothing and takes no offsets', async () => {
      const batch = [queueEntry('jr-idem'), queueEntry('jr-idem')];
      expect(await journal.appendQueueEntries(batch)).toBe(2);
      const after = await allOffsets();
      expect(await journal.appendQueueEntries(batch)).toBe(0);
      expect(await allOffsets()).toEqual(after);

      const extra = queueEntry('jr-idem');
      expect(await journal.appendQueueEntries([...batch, extra, extra])).toBe(1);
      expect((await entriesOf('jr-idem')).map((entry) => entry.id)).toEqual([...batch, extra].map((e) => e.id));
      await expectDense();
    });

    it('keeps the same stream id of two events apart', async () => {
      const one = queueEntry('jr-one', { entryId: '1-0' });
      const two = queueEntry('jr-two', { entryId: '1-0' });
      expect(await journal.appendQueueEntries([one, two])).toBe(2);
      expect(await entriesOf('jr-one')).toHaveLength(1);
      expect(await entriesOf('jr-two')).toHaveLength(1);
    });

    it('does nothing for an empty batch', async () => {
      const before = await allOffsets();
      expect(await journal.appendQueueEntries([])).toBe(0);
      expect(await allOffsets()).toEqual(before);
    });

    it('pages by offset: after, limit, eventId, nextAfter', async () => {
      const mine = [queueEntry('jr-page'), queueEntry('jr-page'), queueEntry('jr-page')];
      await journal.appendQueueEntries([mine[0]]);
      await journal.appendQueueEntries([queueEntry('jr-other')]);
      await journal.appendQueueEntries(mine.slice(1));

      const first = await journal.page(0, 2, 'jr-page');
      expect(first.items.map((entry) => entry.id)).toEqual([mine[0].id, mine[1].id]);
      expect(first.nextAfter).toBe(first.items[1].offset);
      const second = await journal.page(first.nextAfter, 2, 'jr-page');
      expect(second.items.map((entry) => entry.id)).toEqual([mine[2].id]);
      expect(second.nextAfter).toBe(second.items[0].offset);
      const empty = await journal.page(second.nextAfter, 2, 'jr-page');
      expect(empty).toEqual({ items: [], nextAfter: second.nextAfter });

      // Without eventId every event's entries come, in offset order.
      const everything = await journal.page(first.items[0].offset - 1, 100);
      const offsets = everything.items.map((entry) => entry.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      expect(everything.items.map((entry) => entry.eventId)).toEqual(expect.arrayContaining(['jr-page', 'jr-other']));
      expect(everything.items[0].offset).toBe(first.items[0].offset);
      expect(await journal.page(1_000_000, 10)).toEqual({ items: [], nextAfter: 1_000_000 });
    });

    it('gives 20 concurrent appends and event updates one dense run of offsets, each entry once', async () => {
      await events.create(settings('jr-conc-ev'));
      const before = await expectDense();
      const batches = Array.from({ length: 20 }, (_, i) => Array.from({ length: 1 + (i % 4) }, () => queueEntry(`jr-conc-${i % 3}`)));
      const duplicates = batches.slice(0, 5); // forwarded twice, concurrently
      const work: Promise<unknown>[] = [
        ...batches.map((batch) => journal.appendQueueEntries(batch)),
        ...duplicates.map((batch) => journal.appendQueueEntries(batch)),
        ...Array.from({ length: 10 }, (_, i) => events.update('jr-conc-ev', { limitCnt: 100 + i })),
      ];
      const results = await Promise.all(work);

      const entryCount = batches.flat().length;
      const appended = results.slice(0, batches.length + duplicates.length) as number[];
      expect(appended.reduce((sum, n) => sum + n, 0)).toBe(entryCount);
      const offsets = await expectDense();
      expect(offsets.length - before.length).toBe(entryCount + 10);
      expect((await entriesOf('jr-conc-ev')).filter((entry) => entry.type === 'event.updated')).toHaveLength(10);
      const keys = await db.prisma.journalEntry.findMany({
        where: { eventId: { in: ['jr-conc-0', 'jr-conc-1', 'jr-conc-2'] } },
        select: { sourceKey: true },
      });
      expect(new Set(keys.map((row) => row.sourceKey)).size).toBe(entryCount);
    });

    it('lets a reader paging during writes see every entry exactly once, in order', async () => {
      const start = (await allOffsets()).at(-1) ?? 0;
      await events.create(settings('jr-read-ev'));
      let writing = true;
      const seen: number[] = [];
      const reader = (async () => {
        let after = start;
        for (;;) {
          const stillWriting = writing;
          const page = await journal.page(after, 7);
          seen.push(...page.items.map((entry) => entry.offset));
          after = page.nextAfter;
          if (!stillWriting && page.items.length === 0) return;
        }
      })();
      const writers = [
        ...Array.from({ length: 30 }, (_, i) => journal.appendQueueEntries([queueEntry('jr-read'), queueEntry(`jr-read-${i}`)])),
        ...Array.from({ length: 10 }, (_, i) => events.update('jr-read-ev', { limitCnt: i + 1 })),
      ];
      await Promise.all(writers);
      writing = false;
      await reader;

      const written = (await allOffsets()).filter((offset) => offset > start);
      expect(written).toHaveLength(1 + 60 + 10);
      expect(seen).toEqual(written);
    });

    // PostgreSQL only (not registered for PGlite): PGlite has one connection, so a transaction held
    // open there stalls every query, readers too, and there is no second writer to hold back.
    const itOnPostgres = kind === 'postgres' ? it : () => undefined;
    itOnPostgres('holds every journal writer back while one holds the journal lock', async () => {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const holder = db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${JOURNAL_LOCK_KEY})`);
        locked();
        await released;
      });
      await lockTaken;
      const before = await allOffsets();
      const append = journal.appendQueueEntries([queueEntry('jr-held')]);
      const update = events.update('jr-conc-ev', { limitCnt: 999 });
      const waiting = async () =>
        (
          await db.prisma.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = ${JOURNAL_LOCK_KEY} AND NOT granted`,
          )
        )[0].n === 2;
      await eventually(waiting, 15_000, 'both writers to wait for the journal lock');
      expect(await allOffsets()).toEqual(before);
      release();
      await holder;
      expect(await append).toBe(1);
      expect((await update)?.limitCnt).toBe(999);
      await expectDense();
    });

    it('purges old entries in bounded batches, oldest first, never the newest', async () => {
      const old = Date.UTC(2020, 0, 1);
      const cutoff = new Date(Date.UTC(2021, 0, 1));
      // Everything else in this file's journal is newer than the cutoff, the last entry included.
      await journal.appendQueueEntries(Array.from({ length: 5 }, (_, i) => queueEntry('jr-purge', { at: old + i })));
      await journal.appendQueueEntries([queueEntry('jr-purge-recent')]);
      const oldOffsets = (await entriesOf('jr-purge')).map((entry) => entry.offset);

      expect(await journal.purgeOlderThan(cutoff, 2)).toBe(2);
      expect((await entriesOf('jr-purge')).map((entry) => entry.offset)).toEqual(oldOffsets.slice(2));
      expect(await journal.purgeOlderThan(cutoff, 100)).toBe(3);
      expect(await entriesOf('jr-purge')).toEqual([]);
      expect(await journal.purgeOlderThan(cutoff, 100)).toBe(0);
      expect(await journal.purgeOlderThan(cutoff, 0)).toBe(0);
    });

    it('keeps the entries of live events no checkpoint covers, a rebuild reads them', async () => {
      await events.create(settings('jr-live'));
      await journal.appendQueueEntries([queueEntry('jr-live', { at: Date.UTC(2020, 0, 1) }), queueEntry('jr-live-newest')]);
      const live = (await entriesOf('jr-live')).map((entry) => entry.offset);
      await journal.purgeOlderThan(new Date(Date.UTC(2100, 0, 1)), 100_000);
      expect((await entriesOf('jr-live')).map((entry) => entry.offset)).toEqual(live);

      await db.prisma.queueCheckpoint.create({
        data: { eventId: 'jr-live', offset: BigInt(live[0]), epoch: 'e', state: {}, createdAt: new Date() },
      });
      await journal.purgeOlderThan(new Date(Date.UTC(2100, 0, 1)), 100_000);
      expect((await entriesOf('jr-live')).map((entry) => entry.offset)).toEqual(live.slice(1));
    });

    it('keeps the newest entry when everything is old, so offsets never go back', async () => {
      // Every event of this file goes first: their entries are then no rebuild's to keep.
      for (const event of await events.list()) await events.delete(event.eventId);
      const top = (await allOffsets()).at(-1)!;
      const everything = await journal.purgeOlderThan(new Date(Date.UTC(2100, 0, 1)), 100_000);
      expect(everything).toBeGreaterThan(0);
      expect(await allOffsets()).toEqual([top]);

      await journal.appendQueueEntries([queueEntry('jr-after-purge')]);
      expect((await entriesOf('jr-after-purge'))[0].offset).toBe(top + 1);
      expect(await allOffsets()).toEqual([top, top + 1]);
    });
  });
});

describe('statements on PostgreSQL', () => {
  const suite = databaseForSuite('postgres');

  it('are prepared once per connection from their second run on (a named statement, not planned again)', async () => {
    // The statement looks for itself among the connection's prepared statements.
    const probe = () =>
      suite.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%' || $1 || '%' /* prepared-probe */`,
        'prepared-probe',
      );
    expect(Number((await probe())[0].n)).toBe(0);
    for (let run = 0; run < 5; run++) expect(Number((await probe())[0].n)).toBe(1);
  });
});
