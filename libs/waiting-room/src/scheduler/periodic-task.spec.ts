import { SchedulerRegistry } from '@nestjs/schedule';
import { schedulePeriodic, type PeriodicOutcome } from './periodic-task.js';

/** Long enough that a test relying on the period would time out instead of passing. */
const HOUR_MS = 3_600_000;

describe('schedulePeriodic', () => {
  let registry: SchedulerRegistry;

  beforeEach(() => {
    registry = new SchedulerRegistry();
  });

  afterEach(() => {
    for (const name of registry.getIntervals()) registry.deleteInterval(name);
  });

  /** Resolves once `work` has been called `count` times. */
  function countingWork(outcomes: PeriodicOutcome[]): { work: () => Promise<PeriodicOutcome>; calls: () => number; reached(count: number): Promise<void> } {
    let calls = 0;
    const waiting: { count: number; resolve: () => void }[] = [];
    return {
      work: () => {
        calls++;
        for (const waiter of waiting.filter((w) => w.count <= calls)) waiter.resolve();
        return Promise.resolve(outcomes[calls - 1]);
      },
      calls: () => calls,
      reached: (count) => new Promise((resolve) => (calls >= count ? resolve() : waiting.push({ count, resolve }))),
    };
  }

  it('runs again at once while a run reports work left, then waits for the period', async () => {
    const task = countingWork(['more', 'more', undefined]);
    const { runNow } = schedulePeriodic(registry, 'task', HOUR_MS, task.work);
    await runNow();
    await task.reached(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(task.calls()).toBe(3);
  });

  it('does not run again once its timer is removed', async () => {
    const task = countingWork(['more', 'more']);
    const { runNow } = schedulePeriodic(registry, 'task', HOUR_MS, task.work);
    const first = runNow();
    registry.deleteInterval('task');
    await first;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(task.calls()).toBe(1);
  });

  it('a failed run waits for the period even after work was left', async () => {
    let calls = 0;
    const { runNow } = schedulePeriodic(registry, 'task', HOUR_MS, () => {
      calls++;
      return calls === 1 ? Promise.resolve<PeriodicOutcome>('more') : Promise.reject(new Error('store down'));
    });
    await runNow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(2);
  });
});
