/** How long a process answers an event's admission rate from its own copy. */
export const RATE_COPY_MS = 1_000;

/**
 * Each event's admission rate as this process last read it, for the answers of the heartbeat
 * script (which leaves the rate out, so that the hottest script makes one call less and answers
 * one integer). The rate changes once a scheduler tick (`refreshRate`), so a copy younger than
 * `RATE_COPY_MS` serves every poll in between; an older one is replaced by one read that all the
 * polls of that moment share. A wait estimate can lag the stored rate by up to `RATE_COPY_MS`.
 */
export class RateCopies {
  private readonly copies = new Map<string, { rate: number | null; readAt: number }>();
  private readonly reads = new Map<string, Promise<number | null>>();
  /** Bumped by every `set` and `forget`: a read that started before one of them is not kept. */
  private generation = 0;

  constructor(
    private readonly read: (eventId: string) => Promise<number | null>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The rate: at once from a fresh copy, else the promise of the read that renews it. */
  get(eventId: string): number | null | Promise<number | null> {
    const copy = this.copies.get(eventId);
    if (copy !== undefined && this.now() - copy.readAt < RATE_COPY_MS) return copy.rate;
    return this.reads.get(eventId) ?? this.renew(eventId);
  }

  /** What this process just stored, or learnt some other way. */
  set(eventId: string, rate: number | null): void {
    this.generation += 1;
    this.keep(eventId, rate);
  }

  forget(eventId: string): void {
    this.generation += 1;
    this.copies.delete(eventId);
  }

  private renew(eventId: string): Promise<number | null> {
    const generation = this.generation;
    const reading = this.read(eventId).then(
      (rate) => {
        this.reads.delete(eventId);
        if (generation === this.generation) this.keep(eventId, rate);
        return rate;
      },
      (err: unknown) => {
        this.reads.delete(eventId);
        throw err;
      },
    );
    this.reads.set(eventId, reading);
    return reading;
  }

  private keep(eventId: string, rate: number | null): void {
    this.copies.set(eventId, { rate, readAt: this.now() });
  }
}
