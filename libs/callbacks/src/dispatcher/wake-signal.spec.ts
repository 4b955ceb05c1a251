import { WakeSignal } from './wake-signal.js';

describe('WakeSignal', () => {
  it('wakes a waiter at once on notify', async () => {
    const signal = new WakeSignal();
    const woke = signal.wait(60_000).then(() => 'woke');
    signal.notify();
    await expect(woke).resolves.toBe('woke');
  });

  it('remembers a notify that came while nobody waited, once', async () => {
    const signal = new WakeSignal();
    signal.notify();
    await signal.wait(60_000);
    // The guard's timer is cleared after the race: left running, it kept jest alive after the suite.
    let guard: NodeJS.Timeout | undefined;
    const stuck = new Promise((resolve) => (guard = setTimeout(() => resolve('stuck'), 5_000)));
    const second = await Promise.race([signal.wait(20).then(() => 'timeout'), stuck]);
    clearTimeout(guard);
    expect(second).toBe('timeout');
  });
});
