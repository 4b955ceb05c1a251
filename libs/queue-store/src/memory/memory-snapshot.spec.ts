import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { FakeClock, type Place, type QueueConfig } from '@foyer/domain';

import { MemoryQueueStore } from './memory-queue.store.js';
import { MemorySnapshotFile, type SnapshotLogger } from './memory-snapshot.js';
import { configureOrBuild } from '../new-event.js';

const config = (overrides: Partial<QueueConfig> = {}): QueueConfig => ({
  eventId: 'concert',
  status: 'OPEN',
  limitCnt: 2,
  sessionTtlMs: 60_000,
  waitTimeoutMs: 30_000,
  pollRefusalMs: 0,
  blockReentry: true,
  version: 1,
  ...overrides,
});

async function placeOf(store: MemoryQueueStore, eventId: string, id: string): Promise<Place> {
  const result = await store.enter(eventId, id);
  if (result.outcome !== 'PLACED') throw new Error(`${id}: ${result.outcome}`);
  return result.state.place;
}

/** Keeps what would be logged, so a case can read it (and the test output stays quiet). */
class RecordingLogger implements SnapshotLogger {
  readonly errors: string[] = [];
  error(message: string): void {
    this.errors.push(message);
  }
}

describe('MemorySnapshotFile', () => {
  let dir: string;
  let logger: RecordingLogger;
  let file: MemorySnapshotFile;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'foyer-snapshot-'));
    logger = new RecordingLogger();
    file = new MemorySnapshotFile(join(dir, 'nested', 'queue.json'), logger);
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restores a store that answers exactly as the saved one', async () => {
    const clock = new FakeClock();
    const store = new MemoryQueueStore({ clock });
    await configureOrBuild(store, config({ eventId: 'closed', status: 'OPEN', limitCnt: 0 }));
    const closedWaiter = await placeOf(store, 'closed', 'z');
    await configureOrBuild(store, config({ eventId: 'closed', status: 'CLOSED', limitCnt: 0 }));

    await configureOrBuild(store, config({ limitCnt: 1 }));
    const a = await placeOf(store, 'concert', 'a');
    const b = await placeOf(store, 'concert', 'b');
    const c = await placeOf(store, 'concert', 'c');
    clock.advance(10_000);
    const d = await placeOf(store, 'concert', 'd');
    clock.advance(10_000);
    await store.poll(c); // c's heartbeat is now newer than d's, though c arrived first
    await store.exit(a); // admits b; a is blocked from now on
    await store.saveSuccessToken(b, 'token-b');
    const e = await placeOf(store, 'concert', 'e');
    await store.refreshRate('concert');
    await store.ackJournal(
      'concert',
      (await store.readJournal('concert', 1)).map((entry) => entry.entryId),
    );

    file.save(store.toSnapshot());
    const loaded = file.load();
    expect(loaded).not.toBeNull();
    const restored = MemoryQueueStore.fromSnapshot(loaded!, { clock });

    const places = [a, b, c, d, e, closedWaiter];
    for (const place of places) expect(await restored.verify(place)).toEqual(await store.verify(place));
    for (const eventId of ['concert', 'closed']) {
      expect(await restored.stats(eventId)).toEqual(await store.stats(eventId));
      expect(await restored.readJournal(eventId, 100)).toEqual(await store.readJournal(eventId, 100));
      expect(await restored.configVersion(eventId)).toBe(1);
    }

    // Heartbeat order survived: d's is the oldest, so it lapses first although c is ahead of it.
    clock.advance(20_001);
    expect(await restored.sweep('concert', 1)).toEqual({ expired: 0, abandoned: 1, removed: 0 });
    expect(await store.sweep('concert', 1)).toEqual({ expired: 0, abandoned: 1, removed: 0 });
    expect((await restored.readJournal('concert', 1000)).slice(-1)[0]).toMatchObject({ type: 'user.abandoned', id: 'd' });

    // Polls change state, so compare them in the same order on both.
    for (const place of places) expect(await restored.poll(place)).toEqual(await store.poll(place));
    expect(await restored.poll(b)).toMatchObject({ state: { status: 'ENTER', session: { successToken: 'token-b' } } });
    expect(await restored.enter('concert', 'a')).toEqual({ outcome: 'BLOCKED' });
    expect(await restored.enter('concert', 'f')).toEqual(await store.enter('concert', 'f')); // same seq, same rank
    expect(await restored.refreshRate('concert')).toBe(await store.refreshRate('concert'));
  });

  it('keeps the idempotency keys: a restored store answers a retry with the place, and still forgets a key on the next place', async () => {
    const clock = new FakeClock();
    const store = new MemoryQueueStore({ clock });
    await configureOrBuild(store, config({ limitCnt: 0 }));
    const key = { hash: 'a'.repeat(64), serverId: 'server-made-id-of-key-' };
    const first = await store.enter('concert', 'a', { key });
    const restored = MemoryQueueStore.fromSnapshot(JSON.parse(JSON.stringify(store.toSnapshot())), { clock });

    expect(await restored.enter('concert', 'a', { key })).toEqual({ outcome: 'HELD', state: first.outcome === 'PLACED' ? first.state : null });
    expect(await restored.enter('concert', 'b', { key })).toEqual({ outcome: 'KEY_REUSED' });
  });

  it('keeps journal ids growing after a restore', async () => {
    const clock = new FakeClock();
    const store = new MemoryQueueStore({ clock });
    await configureOrBuild(store, config({ limitCnt: 0 }));
    await placeOf(store, 'concert', 'a');
    const restored = MemoryQueueStore.fromSnapshot(store.toSnapshot(), { clock });
    await placeOf(restored, 'concert', 'b');
    const ids = (await restored.readJournal('concert', 10)).map((entry) => entry.entryId);
    expect(ids).toEqual([`${clock.now()}-0`, `${clock.now()}-1`, `${clock.now()}-2`]); // the build's entry, a, b
  });

  it('loads null for a missing, corrupt or foreign file, and never throws', () => {
    expect(file.load()).toBeNull();
    file.save(new MemoryQueueStore().toSnapshot());
    expect(file.load()).not.toBeNull();

    const path = join(dir, 'nested', 'queue.json');
    writeFileSync(path, '{"format":1,"events":[{"config":');
    expect(file.load()).toBeNull();
    writeFileSync(path, JSON.stringify({ format: 99, events: [], journals: [] }));
    expect(file.load()).toBeNull();
    writeFileSync(path, JSON.stringify({ format: 1, events: [{ epoch: 'x' }], journals: [] }));
    expect(file.load()).toBeNull();
    writeFileSync(path, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    expect(file.load()).toBeNull();
    expect(new MemorySnapshotFile(dir, logger).load()).toBeNull(); // a directory
  });

  it('a missing file is a first start: nothing logged, nothing moved', () => {
    expect(file.load()).toBeNull();
    expect(logger.errors).toEqual([]);
    expect(existsSync(join(dir, 'nested'))).toBe(false);
  });

  it('an unusable file is logged as an error, with its path and why, and kept aside whole for the operator', () => {
    const path = join(dir, 'nested', 'queue.json');
    file.save(new MemoryQueueStore().toSnapshot());
    const cases = [
      { content: '{"format":1,"events":[{"config":', why: /is not JSON/ },
      { content: JSON.stringify({ format: 99, events: [], journals: [] }), why: /is not a queue snapshot of format 1/ },
    ];
    for (const [i, { content, why }] of cases.entries()) {
      writeFileSync(path, content);
      expect(file.load()).toBeNull();
      expect(logger.errors).toHaveLength(i + 1);
      const message = logger.errors[i];
      expect(message).toContain(path);
      expect(message).toMatch(why);

      const kept = /kept as (\S+)$/.exec(message)?.[1];
      expect(kept).toMatch(new RegExp(`^${path.replace(/[.\\]/g, '\\$&')}\\.unreadable-[0-9TZ-]+$`));
      expect(readFileSync(kept!, 'utf8')).toBe(content);
      expect(existsSync(path)).toBe(false); // the next save cannot replace it
      rmSync(kept!); // two in one millisecond would share a name
    }

    // The store starts empty and saves again as usual.
    file.save(new MemoryQueueStore().toSnapshot());
    expect(file.load()).not.toBeNull();
    expect(logger.errors).toHaveLength(cases.length);
  });

  it('a directory in its place is logged and left where it is', () => {
    expect(new MemorySnapshotFile(dir, logger).load()).toBeNull();
    expect(logger.errors).toEqual([expect.stringContaining(`the queue snapshot ${dir} cannot be read`)]);
    expect(logger.errors[0]).not.toContain('kept');
    expect(existsSync(dir)).toBe(true);
  });

  it("logs through Nest's logger when given none", () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const path = join(dir, 'queue.json');
      writeFileSync(path, 'not json');
      expect(new MemorySnapshotFile(path).load()).toBeNull();
      expect(error).toHaveBeenCalledWith(expect.stringContaining(path));
    } finally {
      error.mockRestore();
    }
  });

  it('replaces the file whole and leaves no temporary file behind', async () => {
    const store = new MemoryQueueStore();
    await configureOrBuild(store, config());
    file.save(store.toSnapshot());
    await configureOrBuild(store, config({ version: 2 }));
    file.save(store.toSnapshot());
    expect(file.load()!.events[0].config.version).toBe(2);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['queue.json']);
  });

  it('after a lost snapshot, a configured event has a new epoch and old tickets are PLACE_LOST', async () => {
    const before = new MemoryQueueStore();
    await configureOrBuild(before, config());
    const a = await placeOf(before, 'concert', 'a');
    expect(existsSync(join(dir, 'nested', 'queue.json'))).toBe(false);

    const after = file.load() ? MemoryQueueStore.fromSnapshot(file.load()!) : new MemoryQueueStore();
    await configureOrBuild(after, config());
    const fresh = await placeOf(after, 'concert', 'a');
    expect(fresh).toMatchObject({ id: 'a', seq: 1 });
    expect(fresh.epoch).not.toBe(a.epoch);
    expect(await after.poll(a)).toEqual({ outcome: 'STATE', state: { status: 'EXPIRED', place: a, reason: 'PLACE_LOST' } });
    expect(await after.verify(a)).toEqual({ valid: false, reason: 'INVALID' });
  });
});
