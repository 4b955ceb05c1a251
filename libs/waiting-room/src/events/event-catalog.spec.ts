import { EVENT_DEFAULTS, FakeClock, type EventRecord, type EventRepository } from '@foyer/domain';
import { EventCatalog, MAX_STALE_MS } from './event-catalog.js';

/** The repository's reads, answered by hand: each `get` waits until the test settles it. */
class HeldReads implements Pick<EventRepository, 'get'> {
  readonly pending: { resolve(event: EventRecord | null): void; reject(err: Error): void }[] = [];

  get(): Promise<EventRecord | null> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  answer(event: EventRecord | null): void {
    this.pending.shift()!.resolve(event);
  }

  fail(): void {
    this.pending.shift()!.reject(new Error('database unavailable'));
  }
}

const eventWith = (limitCnt: number): EventRecord => ({
  ...EVENT_DEFAULTS,
  eventId: 'e',
  name: 'E',
  limitCnt,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/** Lets settled promises run their callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('EventCatalog', () => {
  let clock: FakeClock;
  let reads: HeldReads;
  let catalog: EventCatalog;

  beforeEach(() => {
    clock = new FakeClock();
    reads = new HeldReads();
    catalog = new EventCatalog(reads as unknown as EventRepository, clock);
  });

  async function primed(limitCnt: number): Promise<void> {
    const first = catalog.get('e');
    reads.answer(eventWith(limitCnt));
    expect((await first)?.limitCnt).toBe(limitCnt);
  }

  it('a first request waits for the database; concurrent ones share the read', async () => {
    const a = catalog.get('e');
    const b = catalog.get('e');
    expect(reads.pending).toHaveLength(1);
    reads.answer(eventWith(3));
    expect((await a)?.limitCnt).toBe(3);
    expect((await b)?.limitCnt).toBe(3);
  });

  it('within a second it answers from memory without reading', async () => {
    await primed(3);
    clock.advance(999);
    expect((await catalog.get('e'))?.limitCnt).toBe(3);
    expect(reads.pending).toHaveLength(0);
  });

  it('past a second it answers the copy at once and renews it with one read in the background', async () => {
    await primed(3);
    clock.advance(1_500);
    expect((await catalog.get('e'))?.limitCnt).toBe(3); // answered although the read is pending
    expect((await catalog.get('e'))?.limitCnt).toBe(3);
    expect(reads.pending).toHaveLength(1);
    reads.answer(eventWith(7));
    await settle();
    expect((await catalog.get('e'))?.limitCnt).toBe(7);
  });

  it('keeps answering the copy while the database fails, retrying once a second, for at most MAX_STALE_MS', async () => {
    await primed(3);
    clock.advance(1_500);
    expect((await catalog.get('e'))?.limitCnt).toBe(3);
    reads.fail();
    await settle();
    expect((await catalog.get('e'))?.limitCnt).toBe(3);
    expect(reads.pending).toHaveLength(0); // no retry within a second of the failure
    clock.advance(1_000);
    expect((await catalog.get('e'))?.limitCnt).toBe(3);
    expect(reads.pending).toHaveLength(1); // a second later, one retry
    reads.fail();
    await settle();

    clock.advance(MAX_STALE_MS);
    const late = catalog.get('e');
    expect(reads.pending).toHaveLength(1); // too old to answer: this request waits for the database
    reads.fail();
    await expect(late).rejects.toThrow('database unavailable');
  });

  it('an event deleted through another replica is gone after the renewal', async () => {
    await primed(3);
    clock.advance(1_500);
    await catalog.get('e');
    reads.answer(null);
    await settle();
    expect(await catalog.get('e')).toBeNull();
  });
});
