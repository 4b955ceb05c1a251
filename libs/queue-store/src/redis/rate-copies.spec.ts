import { RATE_COPY_MS, RateCopies } from './rate-copies.js';

/** A read the test answers by hand, and a clock it moves. */
function setup() {
  const pending: { eventId: string; resolve(rate: number | null): void; reject(err: Error): void }[] = [];
  let now = 0;
  const copies = new RateCopies(
    (eventId) => new Promise((resolve, reject) => pending.push({ eventId, resolve, reject })),
    () => now,
  );
  return { copies, pending, advance: (ms: number) => (now += ms) };
}

describe('RateCopies', () => {
  it('reads a rate it has no copy of once, however many ask meanwhile, then answers from the copy', async () => {
    const { copies, pending, advance } = setup();
    const first = copies.get('e');
    const second = copies.get('e');
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBe(first);
    expect(pending).toHaveLength(1);
    pending[0].resolve(2.5);
    expect(await first).toBe(2.5);
    advance(RATE_COPY_MS - 1);
    expect(copies.get('e')).toBe(2.5);
    expect(pending).toHaveLength(1);
  });

  it('renews a copy once it is RATE_COPY_MS old; null is a rate like any other', async () => {
    const { copies, pending, advance } = setup();
    const first = copies.get('e');
    pending[0].resolve(null);
    expect(await first).toBeNull();
    expect(copies.get('e')).toBeNull();
    advance(RATE_COPY_MS);
    const renewed = copies.get('e');
    expect(renewed).toBeInstanceOf(Promise);
    pending[1].resolve(4);
    expect(await renewed).toBe(4);
    expect(copies.get('e')).toBe(4);
  });

  it('keeps copies per event', async () => {
    const { copies, pending } = setup();
    const a = copies.get('a');
    const b = copies.get('b');
    expect(pending.map((p) => p.eventId)).toEqual(['a', 'b']);
    pending[0].resolve(1);
    pending[1].resolve(2);
    expect([await a, await b]).toEqual([1, 2]);
  });

  it('a rate set while a read is out wins over what that read brings back', async () => {
    const { copies, pending } = setup();
    const reading = copies.get('e');
    copies.set('e', 7);
    pending[0].resolve(3); // read before the new rate was stored
    expect(await reading).toBe(3);
    expect(copies.get('e')).toBe(7);
  });

  it('forgets a dropped event: the next ask reads again', async () => {
    const { copies, pending } = setup();
    copies.set('e', 7);
    expect(copies.get('e')).toBe(7);
    copies.forget('e');
    const reading = copies.get('e');
    expect(reading).toBeInstanceOf(Promise);
    pending[0].resolve(null);
    expect(await reading).toBeNull();
  });

  it('a failed read fails its askers and keeps nothing: the next ask reads again', async () => {
    const { copies, pending } = setup();
    const failing = copies.get('e');
    pending[0].reject(new Error('Connection is closed.'));
    await expect(failing).rejects.toThrow('Connection is closed.');
    const retry = copies.get('e');
    expect(pending).toHaveLength(2);
    pending[1].resolve(1);
    expect(await retry).toBe(1);
  });
});
