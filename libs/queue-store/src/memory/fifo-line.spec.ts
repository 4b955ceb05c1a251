import { FifoLine } from './fifo-line.js';

/** A tiny deterministic PRNG so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('FifoLine', () => {
  it('ranks in arrival order and closes gaps as ids leave', () => {
    const line = new FifoLine();
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) line.push(id, i + 1);
    expect(['a', 'b', 'c', 'd'].map((id) => line.rank(id))).toEqual([1, 2, 3, 4]);

    line.remove('b');
    expect(line.rank('c')).toBe(2);
    expect(line.rank('b')).toBeUndefined();
    expect(line.seqOf('d')).toBe(4);
    expect(line.shift()).toEqual({ id: 'a', seq: 1 });
    expect(line.peek()).toEqual({ id: 'c', seq: 3 });
    expect(line.rank('d')).toBe(2);
    expect(line.size).toBe(2);
    expect([...line.places()]).toEqual([
      { id: 'c', seq: 3 },
      { id: 'd', seq: 4 },
    ]);
  });

  it('refuses an id that is already in the line', () => {
    const line = new FifoLine();
    line.push('a', 1);
    expect(() => line.push('a', 2)).toThrow();
  });

  it('starts over when it empties', () => {
    const line = new FifoLine();
    line.push('a', 1);
    line.push('b', 2);
    line.shift();
    line.remove('b');
    expect(line.peek()).toBeUndefined();
    line.push('c', 3);
    expect(line.rank('c')).toBe(1);
    expect(line.shift()).toEqual({ id: 'c', seq: 3 });
    expect(line.shift()).toBeUndefined();
  });

  it('agrees with a plain array through many pushes, removals and compactions', () => {
    const random = seededRandom(7);
    const line = new FifoLine();
    const model: { id: string; seq: number }[] = [];
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      const roll = random();
      if (roll < 0.55 || model.length === 0) {
        const id = `u${++seq}`;
        line.push(id, seq);
        model.push({ id, seq });
      } else if (roll < 0.8) {
        const [removed] = model.splice(Math.floor(random() * model.length), 1);
        expect(line.remove(removed.id)).toBe(true);
      } else {
        expect(line.shift()).toEqual(model.shift());
      }
      if (step % 997 === 0) {
        model.forEach((place, index) => expect(line.rank(place.id)).toBe(index + 1));
        expect([...line.places()]).toEqual(model);
      }
    }
    expect(line.size).toBe(model.length);
    model.forEach((place, index) => expect(line.rank(place.id)).toBe(index + 1));
  });

  it('keeps ranks exact with a few hundred thousand waiting', () => {
    const line = new FifoLine();
    const count = 300_000;
    for (let seq = 1; seq <= count; seq++) line.push(`u${seq}`, seq);
    for (let seq = 1; seq <= count; seq += 3) line.remove(`u${seq}`); // every third leaves
    expect(line.size).toBe(count - count / 3);
    expect(line.rank('u2')).toBe(1);
    expect(line.rank('u3')).toBe(2);
    expect(line.rank(`u${count}`)).toBe(line.size);
    expect(line.rank('u150000')).toBe(100_000);
  });
});
