/** A session as the expiry order knows it. */
export interface SessionExpiry {
  id: string;
  seq: number;
  expiresAt: number;
}

/**
 * Sessions by `expiresAt`, earliest first (ties by id, as a Redis sorted set orders them): a
 * binary min-heap. Ended sessions are not taken out (that would need a search); the reader skips
 * entries that no longer match a running session, and `rebuild` drops them when they pile up.
 */
export class ExpiryQueue {
  private heap: SessionExpiry[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): SessionExpiry | undefined {
    return this.heap[0];
  }

  push(entry: SessionExpiry): void {
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
  }

  pop(): SessionExpiry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top !== undefined && last !== undefined && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Replaces the contents in O(n). */
  rebuild(entries: SessionExpiry[]): void {
    this.heap = entries;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private before(a: SessionExpiry, b: SessionExpiry): boolean {
    return a.expiresAt < b.expiresAt || (a.expiresAt === b.expiresAt && a.id < b.id);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(heap[index], heap[parent])) return;
      [heap[index], heap[parent]] = [heap[parent], heap[index]];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let first = index;
      if (left < heap.length && this.before(heap[left], heap[first])) first = left;
      if (right < heap.length && this.before(heap[right], heap[first])) first = right;
      if (first === index) return;
      [heap[index], heap[first]] = [heap[first], heap[index]];
      index = first;
    }
  }
}
