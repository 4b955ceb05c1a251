import { FakeClock, type Place, type QueueConfig } from '@foyer/domain';

import { buildNewEvent, configureOrBuild } from '../new-event.js';
import { MemoryQueueStore } from './memory-queue.store.js';

/** What only the memory store has to get right; the shared behaviour is in test/queue-store.contract.ts. */
const config = (overrides: Partial<QueueConfig> = {}): QueueConfig => ({
  eventId: 'sale',
  status: 'OPEN',
  limitCnt: 1,
  sessionTtlMs: 60_000,
  waitTimeoutMs: 600_000,
  pollRefusalMs: 0,
  blockReentry: false,
  version: 1,
  ...overrides,
});

async function placeOf(store: MemoryQueueStore, id: string): Promise<Place> {
  const result = await store.enter('sale', id);
  if (result.outcome !== 'PLACED') throw new Error(`${id}: ${result.outcome}`);
  return result.state.place;
}

describe('MemoryQueueStore', () => {
  it('makes no event on configure: only a build does, with the epoch it is given', async () => {
    const store = new MemoryQueueStore();
    expect(await store.configure(config())).toBe(false);
    expect(await store.enter('sale', 'a')).toEqual({ outcome: 'NO_EVENT' });
    await buildNewEvent(store, config(), 'epoch-1');
    expect((await placeOf(store, 'a')).epoch).toBe('epoch-1');
  });

  it('keeps journal ids growing when the clock steps back', async () => {
    const clock = new FakeClock(1_000_000);
    const store = new MemoryQueueStore({ clock });
    await configureOrBuild(store, config({ limitCnt: 0 }));
    await placeOf(store, 'a');
    clock.set(999_000);
    await placeOf(store, 'b');
    const entries = await store.readJournal('sale', 10);
    // The build's queue.configured, then the two places.
    expect(entries.map((entry) => [entry.entryId, entry.at])).toEqual([
      ['1000000-0', 1_000_000],
      ['1000000-1', 1_000_000],
      ['1000000-2', 1_000_000],
    ]);
  });

  it('ranks exactly with a hundred thousand waiting, and after promotions', async () => {
    const store = new MemoryQueueStore({ clock: new FakeClock() });
    await configureOrBuild(store, config({ limitCnt: 0 }));
    let last: Place | undefined;
    for (let i = 0; i < 100_000; i++) last = await placeOf(store, `u${i}`);
    expect(await store.poll(last!)).toMatchObject({ state: { status: 'WAIT', rank: 100_000 } });
    await configureOrBuild(store, config({ limitCnt: 1_500 }));
    expect(await store.promote('sale', 1_000)).toEqual({ admitted: 1_000, abandoned: 0 });
    expect(await store.promote('sale', 1_000)).toEqual({ admitted: 500, abandoned: 0 });
    expect(await store.poll(last!)).toMatchObject({ state: { status: 'WAIT', rank: 98_500 } });
  });

  it('still expires the right sessions after long exit churn', async () => {
    const clock = new FakeClock();
    const store = new MemoryQueueStore({ clock });
    await configureOrBuild(store, config({ limitCnt: 2, sessionTtlMs: 10_000 }));
    for (let i = 0; i < 3_000; i++) await store.exit(await placeOf(store, `churn-${i}`));
    const kept = await placeOf(store, 'kept');
    clock.advance(5_000);
    const later = await placeOf(store, 'later');
    clock.advance(5_000);
    expect(await store.sweep('sale', 100)).toEqual({ expired: 1, abandoned: 0, removed: 0 });
    expect(await store.verify(kept)).toEqual({ valid: false, reason: 'EXPIRED' });
    expect(await store.verify(later)).toMatchObject({ valid: true });
    expect(await store.stats('sale')).toMatchObject({ active: 1, exitedTotal: 3_000, expiredTotal: 1 });
  });
});
