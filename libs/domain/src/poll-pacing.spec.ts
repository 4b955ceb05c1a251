import { pollAfterMs, pollRefusalMs, retryAfterSeconds } from './poll-pacing.js';

const event = { minPollIntervalMs: 1000, waitTimeoutSec: 300 };
const middle = () => 0.5; // no jitter
const ceiling = 100_000; // a third of 300 s

describe('poll pacing', () => {
  it('asks the front of the line to poll about every 1–2 s', () => {
    expect(pollAfterMs(1, event, middle)).toBe(1000);
    expect(pollAfterMs(100, event, middle)).toBeGreaterThan(1000);
    expect(pollAfterMs(100, event, middle)).toBeLessThanOrEqual(2000);
  });

  it('grows with rank', () => {
    const ranks = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    const intervals = ranks.map((rank) => pollAfterMs(rank, event, middle));
    for (let i = 1; i < intervals.length; i++) expect(intervals[i]).toBeGreaterThan(intervals[i - 1]);
  });

  it('never goes below minPollIntervalMs nor above a third of waitTimeoutSec, whatever the jitter', () => {
    for (const random of [() => 0, () => 0.999999, middle]) {
      for (const rank of [1, 50, 5_000, 10_000_000]) {
        const slowFloor = { minPollIntervalMs: 5_000, waitTimeoutSec: 300 };
        expect(pollAfterMs(rank, slowFloor, random)).toBeGreaterThanOrEqual(5_000);
        expect(pollAfterMs(rank, event, random)).toBeLessThanOrEqual(ceiling);
        const short = { minPollIntervalMs: 0, waitTimeoutSec: 3 };
        expect(pollAfterMs(rank, short, random)).toBeLessThanOrEqual(1_000);
      }
    }
  });

  it('jitters by up to ±10 %', () => {
    const low = pollAfterMs(1_000, event, () => 0);
    const high = pollAfterMs(1_000, event, () => 0.999999);
    const mid = pollAfterMs(1_000, event, middle);
    expect(low).toBeLessThan(mid);
    expect(high).toBeGreaterThan(mid);
    expect(low).toBeGreaterThanOrEqual(Math.floor(mid * 0.9));
    expect(high).toBeLessThanOrEqual(Math.ceil(mid * 1.1));
  });

  it('refuses polls sooner than 0.8 × minPollIntervalMs', () => {
    expect(pollRefusalMs({ minPollIntervalMs: 1000 })).toBe(800);
    expect(pollRefusalMs({ minPollIntervalMs: 0 })).toBe(0);
  });

  it('rounds retry-after up to whole seconds, at least one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});
