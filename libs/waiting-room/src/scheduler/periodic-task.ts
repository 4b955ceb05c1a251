import { Logger } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * Runs `work` every `periodMs` through Nest's scheduler registry, never two runs at once (a slow
 * run delays the next instead of piling up), and logs failures without stopping the timer: a store
 * outage is waited out, not fatal.
 */
export function schedulePeriodic(
  registry: SchedulerRegistry,
  name: string,
  periodMs: number,
  work: () => Promise<unknown>,
): { runNow(): Promise<void> } {
  const logger = new Logger(name);
  let running: Promise<void> | null = null;
  let lastFailure = '';
  const run = (): Promise<void> => {
    if (running) return running;
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
      });
    return running;
  };
  const timer = setInterval(() => void run(), periodMs);
  registry.addInterval(name, timer);
  return { runNow: run };
}
