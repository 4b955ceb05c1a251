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
    const second = await Promise.race([signal.wait(20).then(() => 'timeout'), new Promise((r) => setTimeout(() => r('stuck'), 5_000))]);
    expect(second).toBe('timeout');
  });
});
