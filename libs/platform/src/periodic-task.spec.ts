import { jest } from '@jest/globals';
import { SchedulerRegistry } from '@nestjs/schedule';
import { schedulePeriodic } from './periodic-task.js';

/** Long enough that a test relying on the timer's next turn would time out instead of passing. */
const HOUR_MS = 3_600_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('schedulePeriodic', () => {
  let registry: SchedulerRegistry;

  beforeEach(() => {
    registry = new SchedulerRegistry();
  });

  afterEach(() => {
    for (const name of registry.getIntervals()) registry.deleteInterval(name);
  });

  it("a run longer than the period is followed by the next at once, not at the timer's next turn", async () => {
    jest.useFakeTimers({ now: 0 });
    try {
      let calls = 0;
      const { runNow } = schedulePeriodic(registry, 'task', 1_000, () => {
        calls++;
        // The first run outlasts the period: the timer's turn at 1,000 ms falls inside it.
        return calls === 1 ? new Promise((resolve) => setTimeout(resolve, 1_500)) : Promise.resolve();
      });
      void runNow();
      await jest.advanceTimersByTimeAsync(1_500);
      await jest.advanceTimersByTimeAsync(1); // well before the timer's next turn (2,000 ms)
      expect(calls).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('a run within the period waits for the timer', async () => {
    let calls = 0;
    const { runNow } = schedulePeriodic(registry, 'task', HOUR_MS, () => {
      calls++;
      return Promise.resolve();
    });
    await runNow();
    await sleep(50);
    expect(calls).toBe(1);
  });

  it('does not run again once its timer is removed, nor after a failed run', async () => {
    let calls = 0;
    const { runNow } = schedulePeriodic(registry, 'task', 1, async () => {
      calls++;
      await sleep(20);
      throw new Error('store down');
    });
    const first = runNow();
    registry.deleteInterval('task');
    await first;
    await sleep(50);
    expect(calls).toBe(1);
  });
});
