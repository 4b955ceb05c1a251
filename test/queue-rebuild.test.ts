/**
 * Rebuilding an event from the journal into a store that lost it (issue 13, section 2), on both
 * stores and a real PostgreSQL: what comes back (the line in order with valid tickets, sessions
 * with their expiresAt, re-entry blocks, counters, idempotency keys), what does not (numbers never
 * forwarded: PLACE_LOST, never handed out again), sessions a token proves re-registered, the lock,
 * and checkpoints with the retention that respects them.
 */
import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { RebuildEvent, SEQ_GAP, WriteCheckpoints, JournalRetention } from '@foyer/application';
import { FakeClock, type EventSettings, type Place, type PlaceState, type QueueStore, type RestoredPlaces } from '@foyer/domain';
import { openDatabase, PrismaEventRepository, PrismaJournalRepository, PrismaQueueHistory, type Database } from '@foyer/persistence';
import { MemoryQueueStore, RedisQueueStore } from '@foyer/queue-store';
import { createTempDir, createTestDatabase, deleteKeys, REDIS_URL, uniqueName } from './support/services.js';

jest.setTimeout(60_000);

const SETTINGS: Omit<EventSettings, 'eventId'> = {
  name: 'Rebuild',
  limitCnt: 2,
  status: 'OPEN',
  successUrl: null,
  callbackUrl: null,
  sessionTtlSec: 600,
  waitTimeoutSec: 300,
  minPollIntervalMs: 0,
  blockReentry: true,
  idPolicy: 'OPEN',
  message: null,
};

interface StoreUnderTest {
  store: QueueStore;
  /** The store loses everything, as a Redis restarted empty without persistence. */
  lose(): Promise<QueueStore>;
  idemOf(eventId: string): Promise<Record<string, string>>;
  /** Removes one key of the event (Redis only). */
  removeKey(eventId: string, name: string): Promise<void>;
  close(): Promise<void>;
}

async function redisStore(): Promise<StoreUnderTest> {
  const prefix = `test:${uniqueName('rebuild')}:`;
  const redis = new Redis(REDIS_URL);
  const store = new RedisQueueStore(new Redis(REDIS_URL), { keyPrefix: prefix });
  return {
    store,
    lose: async () => {
      await deleteKeys(redis, prefix);
      return store;
    },
    idemOf: async (eventId) => redis.hgetall(`${prefix}ev:{${eventId}}:idem`),
    removeKey: async (eventId, name) => void (await redis.del(`${prefix}ev:{${eventId}}:${name}`)),
    close: async () => {
      await deleteKeys(redis, prefix);
      await store.close();
      await redis.quit();
    },
  };
}

async function memoryStore(): Promise<StoreUnderTest> {
  const self: StoreUnderTest = {
    store: new MemoryQueueStore(),
    lose: async () => (self.store = new MemoryQueueStore()),
    // The memory store keeps key → id and derives id → key from it; shown as Redis holds both.
    idemOf: async (eventId) =>
      Object.fromEntries(
        ((self.store as MemoryQueueStore).toSnapshot().events.find((e) => e.config.eventId === eventId)?.idem ?? []).flatMap(([hash, id]) => [
          [hash, id],
          [`id:${id}`, hash],
        ]),
      ),
    removeKey: async () => {
      throw new Error('the memory store loses everything or nothing');
    },
    close: async () => undefined,
  };
  return self;
}

describe.each([
  ['redis', redisStore],
  ['memory', memoryStore],
])('rebuilding an event from the journal (%s store)', (_kind, makeStore) => {
  let database: { url: string; drop(): Promise<void> };
  let db: Database;
  let events: PrismaEventRepository;
  let journal: PrismaJournalRepository;
  let history: PrismaQueueHistory;
  let subject: StoreUnderTest;
  const dataDir = createTempDir();

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openDatabase({ databaseUrl: database.url, dataDir: dataDir.path });
    events = new PrismaEventRepository(db);
    journal = new PrismaJournalRepository(db);
    history = new PrismaQueueHistory(db);
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
    dataDir.remove();
  });

  beforeEach(async () => {
    subject = await makeStore();
  });

  afterEach(async () => {
    await subject.close();
  });

  const rebuild = () => (eventId: string) => new RebuildEvent(subject.store, history, events).execute(eventId);

  async function newEvent(overrides: Partial<EventSettings> = {}): Promise<string> {
    const eventId = uniqueName('rb');
    await events.create({ ...SETTINGS, eventId, ...overrides });
    expect(await new RebuildEvent(subject.store, history, events).execute(eventId)).toMatchObject({ outcome: 'REBUILT', builtBefore: false, seq: 0 });
    return eventId;
  }

  /** The forwarder's work: the outbox into the journal table, then acknowledged. */
  async function forward(eventId: string): Promise<void> {
    const entries = await subject.store.readJournal(eventId, 100_000);
    await journal.appendQueueEntries(entries);
    await subject.store.ackJournal(
      eventId,
      entries.map((entry) => entry.entryId),
    );
  }

  async function enter(eventId: string, id: string): Promise<Extract<PlaceState, { status: 'WAIT' | 'ENTER' }>> {
    const result = await subject.store.enter(eventId, id);
    if (result.outcome !== 'PLACED') throw new Error(`${id}: ${JSON.stringify(result)}`);
    return result.state;
  }

  async function stateOf(place: Place): Promise<PlaceState> {
    const result = await subject.store.poll(place);
    if (result.outcome !== 'STATE') throw new Error(`expected a state, got ${JSON.stringify(result)}`);
    return result.state;
  }

  it('restores the line in order, sessions, blocks, counters and idempotency keys; unforwarded numbers are PLACE_LOST and never reused', async () => {
    const eventId = await newEvent();
    const a = await enter(eventId, 'a'); // admitted
    const b = await enter(eventId, 'b'); // admitted
    const waiters = [];
    for (const id of ['c', 'd', 'e', 'f']) waiters.push(await enter(eventId, id));
    expect(waiters.map((w) => w.status)).toEqual(['WAIT', 'WAIT', 'WAIT', 'WAIT']);
    expect(await subject.store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 }); // c in
    await forward(eventId);
    // f's enter carried an Idempotency-Key: its entry holds the key's hash, as the enter script writes it.
    const idem = 'ab'.repeat(32);
    await db.prisma.$executeRawUnsafe(
      `UPDATE journal_entries SET payload = payload || jsonb_build_object('idem', $2::text) WHERE event_id = $1 AND user_id = 'f'`,
      eventId,
      idem,
    );
    const statsBefore = await subject.store.stats(eventId);

    const lostPlace = await enter(eventId, 'g'); // handed out, never forwarded
    expect(lostPlace.status).toBe('WAIT');

    const store = await subject.lose();
    expect(await store.enter(eventId, 'h')).toEqual({ outcome: 'NO_EVENT' });
    const rebuilt = await rebuild()(eventId);
    expect(rebuilt).toMatchObject({ outcome: 'REBUILT', builtBefore: true, waiting: 3, sessions: 2 });

    // The line in arrival order, every ticket valid, with a fresh heartbeat.
    const [, d, e, f] = waiters;
    expect(await stateOf(d.place)).toMatchObject({ status: 'WAIT', rank: 1 });
    expect(await stateOf(e.place)).toMatchObject({ status: 'WAIT', rank: 2 });
    expect(await stateOf(f.place)).toMatchObject({ status: 'WAIT', rank: 3 });
    // Sessions with their expiresAt; the ended one still blocks re-entry.
    const bState = await stateOf(b.place);
    expect(bState).toMatchObject({ status: 'ENTER', session: { admittedAt: b.status === 'ENTER' ? b.session.admittedAt : 0 } });
    expect(bState.status === 'ENTER' && bState.session.expiresAt).toBe(b.status === 'ENTER' && b.session.expiresAt);
    expect(await stateOf(waiters[0].place)).toMatchObject({ status: 'ENTER' });
    expect(await stateOf(a.place)).toMatchObject({ status: 'BLOCK' });
    expect(await store.enter(eventId, 'a')).toEqual({ outcome: 'BLOCKED' });
    // Counters as the journal counted them.
    expect(await store.stats(eventId)).toEqual({ ...statsBefore, waiting: 3 });
    // Both fields of a recorded key: the key's hash → the id, and the id → its key (forgotten on its next place).
    expect(await subject.idemOf(eventId)).toEqual({ [idem]: 'f', 'id:f': idem });

    // The place never forwarded is lost, and its number is never handed out again.
    expect(await stateOf(lostPlace.place)).toEqual({ status: 'EXPIRED', place: lostPlace.place, reason: 'PLACE_LOST' });
    const h = await enter(eventId, 'h');
    expect(h.place.seq).toBe(lostPlace.place.seq - 1 + SEQ_GAP + 1);
    expect(h.place.seq).toBeGreaterThan(lostPlace.place.seq);
    // Nobody was admitted by the rebuild: the two sessions fill the event.
    expect(await store.promote(eventId, 10)).toEqual({ admitted: 0, abandoned: 0 });
  });

  it('re-registers a session a valid token proves but the journal never saw, counted against limitCnt, once', async () => {
    const eventId = await newEvent({ limitCnt: 1 });
    const a = await enter(eventId, 'a');
    const b = await enter(eventId, 'b');
    await forward(eventId);
    expect(await subject.store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 1 }); // b in: never forwarded
    const bSession = await stateOf(b.place);
    if (bSession.status !== 'ENTER') throw new Error('b not admitted');

    const store = await subject.lose();
    expect(await rebuild()(eventId)).toMatchObject({ outcome: 'REBUILT', waiting: 1, sessions: 1 });
    // a's exit was lost with the store, so a is back in; b waits again, as the journal last saw it.
    expect(await stateOf(b.place)).toMatchObject({ status: 'WAIT' });
    expect(await store.verify(b.place)).toEqual({ valid: false, reason: 'INVALID' });

    // b presents the successToken of its session: it proves the admission.
    const { admittedAt, expiresAt } = bSession.session;
    expect(await store.reregisterSession(b.place, admittedAt, expiresAt)).toBe(true);
    expect(await store.reregisterSession(b.place, admittedAt, expiresAt)).toBe(false);
    expect(await store.verify(b.place)).toEqual({ valid: true, expiresAt });
    expect(await store.stats(eventId)).toMatchObject({ waiting: 0, active: 2 });
    // a's exited token (forwarded exit, then lost? no: the exit was lost) and an expired one are never re-registered.
    expect(await store.reregisterSession(b.place, admittedAt, Date.now() - 1)).toBe(false);
    expect(await store.reregisterSession({ ...b.place, epoch: 'another' }, admittedAt, expiresAt)).toBe(false);
    // Counting against limitCnt: nobody is admitted while two sessions hold one slot.
    expect(await store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
    expect(await store.stats(eventId)).toMatchObject({ active: 1 });
  });

  it('never re-registers a session whose end the journal saw', async () => {
    const eventId = await newEvent({ limitCnt: 1, blockReentry: false });
    const a = await enter(eventId, 'a');
    if (a.status !== 'ENTER') throw new Error('a not admitted');
    expect(await subject.store.exit(a.place)).toEqual({ outcome: 'EXITED', admitted: 0 });
    await forward(eventId);
    const store = await subject.lose();
    expect(await rebuild()(eventId)).toMatchObject({ outcome: 'REBUILT' });
    expect(await store.reregisterSession(a.place, a.session.admittedAt, a.session.expiresAt)).toBe(false);
    expect(await store.verify(a.place)).toEqual({ valid: false, reason: 'EXITED' });
  });

  it('admits nobody and answers as an unknown event while the lock is held; a second rebuilder is told HELD', async () => {
    const eventId = await newEvent();
    const w = await enter(eventId, 'w');
    await forward(eventId);
    const store = await subject.lose();
    expect(await store.beginRebuild(eventId, 'someone', 60_000)).toBe('BEGUN');
    const chunk: RestoredPlaces = { waiting: [['w', w.place.seq]], sessions: [], done: [], idem: [] };
    expect(await store.restoreChunk(eventId, 'someone', 60_000, chunk)).toBe(true);
    expect(await rebuild()(eventId)).toEqual({ outcome: 'HELD' });
    expect(await store.enter(eventId, 'x')).toEqual({ outcome: 'NO_EVENT' });
    expect(await store.poll(w.place)).toEqual({ outcome: 'NO_EVENT' });
    expect(await store.promote(eventId, 10)).toEqual({ admitted: 0, abandoned: 0 });
    expect(await store.restoreChunk(eventId, 'intruder', 60_000, chunk)).toBe(false);
  });

  it('folds an entry both in the table and still in the outbox once, and the outbox entries not yet forwarded', async () => {
    if (!(subject.store instanceof RedisQueueStore)) {
      // The memory store keeps its outbox beside its events: only a Redis can lose the settings alone.
      expect(subject.store).toBeInstanceOf(MemoryQueueStore);
      return;
    }
    const eventId = await newEvent({ limitCnt: 1 });
    const a = await enter(eventId, 'a');
    const b = await enter(eventId, 'b');
    // Forwarded but not yet acknowledged: in the table and in the outbox.
    await journal.appendQueueEntries(await subject.store.readJournal(eventId, 100));
    const c = await enter(eventId, 'c'); // only in the outbox
    await subject.removeKey(eventId, 'cfg');
    expect(await rebuild()(eventId)).toMatchObject({ outcome: 'REBUILT', waiting: 2, sessions: 1 });
    expect(await subject.store.stats(eventId)).toMatchObject({ waiting: 2, active: 1, admittedTotal: 1 });
    expect(await stateOf(a.place)).toMatchObject({ status: 'ENTER' });
    expect(await stateOf(b.place)).toMatchObject({ status: 'WAIT', rank: 1 });
    expect(await stateOf(c.place)).toMatchObject({ status: 'WAIT', rank: 2 });
  });

  it('rebuilds from the latest checkpoint plus the entries after it; retention purges only what a checkpoint covers', async () => {
    const eventId = await newEvent({ limitCnt: 0 });
    const places = [];
    for (const id of ['a', 'b', 'c']) places.push(await enter(eventId, id));
    await forward(eventId);
    const clock = new FakeClock(Date.now() + 10 * 86_400_000);
    const retention = new JournalRetention(journal, clock, 7, new WriteCheckpoints(history, events, clock));

    const before = await journal.page(0, 1000, eventId);
    await retention.execute();
    const checkpoint = await db.prisma.queueCheckpoint.findFirst({ where: { eventId }, orderBy: { offset: 'desc' } });
    expect(checkpoint).not.toBeNull();
    expect(Number(checkpoint!.offset)).toBe(before.nextAfter);
    // Everything the checkpoint covers is gone (the newest entry of the whole journal excepted).
    const after = await journal.page(0, 1000, eventId);
    expect(after.items.filter((entry) => entry.offset < Number(checkpoint!.offset))).toEqual([]);

    await enter(eventId, 'd');
    await forward(eventId);
    const store = await subject.lose();
    expect(await rebuild()(eventId)).toMatchObject({ outcome: 'REBUILT', waiting: 4 });
    for (const [i, place] of places.entries()) expect(await stateOf(place.place)).toMatchObject({ status: 'WAIT', rank: i + 1 });
    expect(await store.stats(eventId)).toMatchObject({ waiting: 4 });

    // Entries after the latest checkpoint stay however old; a new checkpoint lets them go.
    const tail = await journal.page(Number(checkpoint!.offset), 1000, eventId);
    expect(tail.items.length).toBeGreaterThan(0);
    await journal.purgeOlderThan(new Date(clock.now()), 1000);
    expect((await journal.page(Number(checkpoint!.offset), 1000, eventId)).items.length).toBe(tail.items.length);
  });
});
