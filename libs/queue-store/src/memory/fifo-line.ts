/** A waiter at its place in the line. */
export interface LinePlace {
  id: string;
  seq: number;
}

const MIN_CAPACITY = 1024;

/**
 * One event's waiting line: ids in arrival order, with the 1-based rank of any id in O(log N).
 *
 * Seqs only grow, so a newcomer always goes to the back: ids sit in slots appended in seq order,
 * an id that leaves leaves a hole, and a Fenwick tree over the slots counts the ids still there,
 * so a rank is a prefix sum. When the slots run out they are compacted (amortized O(1) per push).
 * Every operation is O(log N) amortized — a poll costs the same with a thousand or a million waiting.
 */
export class FifoLine {
  private ids: (string | undefined)[] = [];
  private seqs: number[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Fenwick tree over slots, 1-based: tree[i] sums the live slots of its range. */
  private tree = new Int32Array(MIN_CAPACITY + 1);
  private capacity = MIN_CAPACITY;
  /** Every slot before `head` is a hole. */
  private head = 0;

  get size(): number {
    return this.slotOf.size;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** The seq of `id`'s place, `undefined` when `id` is not in the line. */
  seqOf(id: string): number | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.seqs[slot];
  }

  /** 1-based: rank 1 is the head. `undefined` when `id` is not in the line. */
  rank(id: string): number | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.countThrough(slot);
  }

  /** Appends `id`; `seq` must be greater than every seq pushed before. */
  push(id: string, seq: number): void {
    if (this.slotOf.has(id)) throw new Error(`'${id}' is in the line already`);
    if (this.ids.length === this.capacity) this.compact();
    const slot = this.ids.length;
    this.ids.push(id);
    this.seqs.push(seq);
    this.slotOf.set(id, slot);
    this.add(slot, 1);
  }

  /** Takes `id` out of the line; `false` when it was not there. */
  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.slotOf.delete(id);
    this.ids[slot] = undefined;
    this.add(slot, -1);
    if (this.slotOf.size === 0) this.reset();
    return true;
  }

  peek(): LinePlace | undefined {
    while (this.head < this.ids.length && this.ids[this.head] === undefined) this.head++;
    if (this.head === this.ids.length) return undefined;
    return { id: this.ids[this.head]!, seq: this.seqs[this.head] };
  }

  shift(): LinePlace | undefined {
    const head = this.peek();
    if (head) this.remove(head.id);
    return head;
  }

  /** Every place, head first. */
  *places(): IterableIterator<LinePlace> {
    for (let slot = this.head; slot < this.ids.length; slot++) {
      const id = this.ids[slot];
      if (id !== undefined) yield { id, seq: this.seqs[slot] };
    }
  }

  private add(slot: number, delta: number): void {
    for (let i = slot + 1; i <= this.capacity; i += i & -i) this.tree[i] += delta;
  }

  /** Live slots in [0, slot]. */
  private countThrough(slot: number): number {
    let count = 0;
    for (let i = slot + 1; i > 0; i -= i & -i) count += this.tree[i];
    return count;
  }

  /** An empty line starts over, so holes never outlive the waiters. The tree is all zeros already. */
  private reset(): void {
    this.ids = [];
    this.seqs = [];
    this.head = 0;
  }

  /** Drops the holes and leaves room for as many again as are waiting. */
  private compact(): void {
    const live = [...this.places()];
    this.capacity = Math.max(MIN_CAPACITY, 2 * live.length);
    this.ids = live.map((place) => place.id);
    this.seqs = live.map((place) => place.seq);
    this.head = 0;
    this.slotOf.clear();
    live.forEach((place, slot) => this.slotOf.set(place.id, slot));
    // Linear Fenwick build: every slot counts one, then each node passes its sum to its parent.
    this.tree = new Int32Array(this.capacity + 1);
    for (let i = 1; i <= live.length; i++) this.tree[i] = 1;
    for (let i = 1; i <= this.capacity; i++) {
      const parent = i + (i & -i);
      if (parent <= this.capacity) this.tree[parent] += this.tree[i];
    }
  }
}
