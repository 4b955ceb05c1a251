import { Logger } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

/**
 * What a periodic run resolves to: `'more'` when it stopped at its own bound with work left, so
 * the next run starts at once instead of after the period; anything else waits for the period.
 */
export type PeriodicOutcome = 'more' | void;

/**
 * Runs `work` every `periodMs` through Nest's scheduler registry, never two runs at once (a slow
 * run delays the next instead of piling up), and logs failures without stopping the timer: a store
 * outage is waited out, not fatal. A run that resolves `'more'` is followed by the next at once,
 * until one finds less than its bound to do or the timer is removed.
 */
export function schedulePeriodic(
  registry: SchedulerRegistry,
  name: string,
  periodMs: number,
  work: () => Promise<PeriodicOutcome>,
): { runNow(): Promise<void> } {
  const logger = new Logger(name);
  let running: Promise<void> | null = null;
  let lastFailure = '';
  let again = false;
  const scheduled = () => registry.doesExist('interval', name);
  const run = (): Promise<void> => {
    if (running) return running;
    running = work()
      .then((outcome) => {
        lastFailure = '';
        again = outcome === 'more';
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        // Log a failure once, not on every tick of an outage.
        if (message !== lastFailure) logger.warn(`failed: ${message}`);
        lastFailure = message;
        again = false;
      })
      .finally(() => {
        running = null;
        if (again && scheduled()) setImmediate(() => void (scheduled() && run()));
      });
    return running;
  };
  const timer = setInterval(() => void run(), periodMs);
  registry.addInterval(name, timer);
  return { runNow: run };
}
