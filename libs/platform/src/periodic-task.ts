import { Logger } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `work` every `periodMs` through Nest's scheduler registry, never two runs at once, and logs
 * failures without stopping the timer: a store outage is waited out, not fatal. A run that takes
 * longer than the period is followed by the next at once (the timer's turn during it was missed),
 * so a busy task runs back to back rather than idling until the timer's next turn.
 */
export function schedulePeriodic(registry: SchedulerRegistry, name: string, periodMs: number, work: () => Promise<unknown>): { runNow: () => Promise<void> } {
  const logger = new Logger(name);
  let running: Promise<void> | null = null;
  let lastFailure = '';
  const scheduled = () => registry.doesExist('interval', name);
  const run = (): Promise<void> => {
    if (running) return running;
    // Elapsed time against the timer's real period: a monotonic reading, not the domain's clock.
    const startedAt = performance.now();
    running = work()
      .then(() => {
        lastFailure = '';
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        // Log a failure once, not on every tick of an outage.
        if (message !== lastFailure) logger.warn(`failed: ${message}`);
        lastFailure = message;
      })
      .finally(() => {
        running = null;
        const overdue = performance.now() - startedAt >= periodMs;
        if (overdue && lastFailure === '' && scheduled()) setImmediate(() => void (scheduled() && run()));
      });
    return running;
  };
  const timer = setInterval(() => void run(), periodMs);
  registry.addInterval(name, timer);
  return { runNow: run };
}
