import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FakeClock, type Place, type QueueConfig } from '@foyer/domain';

import { MemoryQueueStore } from './memory-queue.store.js';
import { MemorySnapshotFile } from './memory-snapshot.js';

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

describe('MemorySnapshotFile', () => {
  let dir: string;
  let file: MemorySnapshotFile;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'foyer-snapshot-'));
    file = new MemorySnapshotFile(join(dir, 'nested', 'queue.json'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('restores a store that answers exactly as the saved one', async () => {
    const clock = new FakeClock();
    const store = new MemoryQueueStore({ clock });
    await store.configure(config({ eventId: 'closed', status: 'OPEN', limitCnt: 0 }));
    const closedWaiter = await placeOf(store, 'closed', 'z');
    await store.configure(config({ eventId: 'closed', status: 'CLOSED', limitCnt: 0 }));

    await store.configure(config({ limitCnt: 1 }));
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
    await store.ackJournal('concert', (await store.readJournal('concert', 1)).map((entry) => entry.entryId));

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

  it('keeps journal ids growing after a restore', async () => {
    const clock = new FakeClock();
    const store = new MemoryQueueStore({ clock });
    await store.configure(config({ limitCnt: 0 }));
    await placeOf(store, 'concert', 'a');
    const restored = MemoryQueueStore.fromSnapshot(store.toSnapshot(), { clock });
    await placeOf(restored, 'concert', 'b');
    const ids = (await restored.readJournal('concert', 10)).map((entry) => entry.entryId);
    expect(ids).toEqual([`${clock.now()}-0`, `${clock.now()}-1`]);
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
    expect(new MemorySnapshotFile(dir).load()).toBeNull(); // a directory
  });

  it('replaces the file whole and leaves no temporary file behind', async () => {
    const store = new MemoryQueueStore();
    await store.configure(config());
    file.save(store.toSnapshot());
    await store.configure(config({ version: 2 }));
    file.save(store.toSnapshot());
    expect(file.load()!.events[0]!.config.version).toBe(2);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['queue.json']);
  });

  it('after a lost snapshot, a configured event has a new epoch and old tickets are PLACE_LOST', async () => {
    const before = new MemoryQueueStore();
    await before.configure(config());
    const a = await placeOf(before, 'concert', 'a');
    expect(existsSync(join(dir, 'nested', 'queue.json'))).toBe(false);

    const after = file.load() ? MemoryQueueStore.fromSnapshot(file.load()!) : new MemoryQueueStore();
    await after.configure(config());
    const fresh = await placeOf(after, 'concert', 'a');
    expect(fresh).toMatchObject({ id: 'a', seq: 1 });
    expect(fresh.epoch).not.toBe(a.epoch);
    expect(await after.poll(a)).toEqual({ outcome: 'STATE', state: { status: 'EXPIRED', place: a, reason: 'PLACE_LOST' } });
    expect(await after.verify(a)).toEqual({ valid: false, reason: 'INVALID' });
  });
});
