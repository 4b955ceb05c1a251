import { backoffDelayMs, MAX_RETRY_DELAY_MS, nextRetryDelayMs, parseRetryAfterMs } from './retry-policy.js';

describe('backoffDelayMs', () => {
  it('doubles from the base, between half and all of each step', () => {
    expect(backoffDelayMs(1, 1000, () => 0)).toBe(500);
    expect(backoffDelayMs(1, 1000, () => 1)).toBe(1000);
    expect(backoffDelayMs(2, 1000, () => 1)).toBe(2000);
    expect(backoffDelayMs(4, 1000, () => 0)).toBe(4000);
    expect(backoffDelayMs(4, 1000, () => 1)).toBe(8000);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    expect(backoffDelayMs(99, 1000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(backoffDelayMs(1_000_000, 3_600_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('spreads retries with jitter', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelayMs(3, 1000)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfterMs(undefined, now)).toBeNull();
    expect(parseRetryAfterMs('-1', now)).toBeNull();
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(parseRetryAfterMs('1.5', now)).toBeNull();
  });
});

describe('nextRetryDelayMs', () => {
  it('prefers Retry-After, bounded by the cap', () => {
    expect(nextRetryDelayMs({ failedAttempts: 1, baseMs: 60_000, retryAfterMs: 1000 })).toBe(1000);
    expect(nextRetryDelayMs({ failedAttempts: 1, baseMs: 10, retryAfterMs: 10 * MAX_RETRY_DELAY_MS })).toBe(MAX_RETRY_DELAY_MS);
    expect(nextRetryDelayMs({ failedAttempts: 2, baseMs: 100, retryAfterMs: null, random: () => 1 })).toBe(200);
  });
});
