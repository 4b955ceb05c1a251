/** Windows that ended are forgotten at most this often, so a hit stays O(1). */
const PURGE_INTERVAL_MS = 1_000;

/**
 * Fixed-window hit counting for `QueueStore.hit`: one counter per key and window
 * (`floor(now / windowMs)`), like the Redis store's `rl:<key>:<window>` keys.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private nextPurgeAt = 0;

  hit(key: string, limit: number, windowMs: number, now: number): { allowed: boolean; retryAfterMs: number } {
    this.purge(now);
    const window = Math.floor(now / windowMs);
    const name = `${key}:${window}`;
    let counter = this.windows.get(name);
    if (!counter) {
      counter = { count: 0, endsAt: (window + 1) * windowMs };
      this.windows.set(name, counter);
    }
    counter.count++;
    return { allowed: counter.count <= limit, retryAfterMs: counter.endsAt - now };
  }

  private purge(now: number): void {
    if (now < this.nextPurgeAt) return;
    this.nextPurgeAt = now + PURGE_INTERVAL_MS;
    for (const [name, counter] of this.windows) if (counter.endsAt <= now) this.windows.delete(name);
  }
}
