import { ExpiryQueue } from './expiry-queue.js';

describe('ExpiryQueue', () => {
  it('gives the earliest expiry first, ties by id', () => {
    const queue = new ExpiryQueue();
    const entries = [
      { id: 'c', seq: 3, expiresAt: 30 },
      { id: 'b', seq: 2, expiresAt: 10 },
      { id: 'a', seq: 1, expiresAt: 10 },
      { id: 'd', seq: 4, expiresAt: 5 },
      { id: 'e', seq: 5, expiresAt: 20 },
    ];
    for (const entry of entries) queue.push(entry);
    const order: string[] = [];
    while (queue.size > 0) order.push(queue.pop()!.id);
    expect(order).toEqual(['d', 'a', 'b', 'e', 'c']);
    expect(queue.pop()).toBeUndefined();
  });

  it('rebuilds from any order', () => {
    const queue = new ExpiryQueue();
    queue.rebuild(Array.from({ length: 500 }, (_, i) => ({ id: `u${i}`, seq: i, expiresAt: (i * 7919) % 500 })));
    let previous = -1;
    while (queue.size > 0) {
      const next = queue.pop()!;
      expect(next.expiresAt).toBeGreaterThanOrEqual(previous);
      previous = next.expiresAt;
    }
    expect(previous).toBe(499);
  });
});
