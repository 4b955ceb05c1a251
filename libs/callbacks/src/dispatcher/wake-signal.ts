/**
 * A level-triggered wake-up for the dispatcher loop: `notify` while nobody waits is remembered,
 * so a message accepted between a claim and the next wait is never slept through.
 */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | null = null;

  notify(): void {
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Resolves on the next (or a remembered) `notify`, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          if (this.waiter === done) this.waiter = null;
          resolve();
        },
        Math.max(0, timeoutMs),
      );
      const done = () => {
        clearTimeout(timer);
        this.pending = false;
        resolve();
      };
      this.waiter = done;
    });
  }
}
