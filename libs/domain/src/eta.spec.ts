import { expectedInfo, formatWait, measuredAdmissionRate, planningRate, RATE_BUCKET_MS, rateBucket } from './eta.js';

describe('ETA', () => {
  it('formats waits as HH:MM rounded up to minutes, hours past 99 allowed', () => {
    expect(formatWait(1)).toBe('00:01');
    expect(formatWait(60)).toBe('00:01');
    expect(formatWait(61)).toBe('00:02');
    expect(formatWait(3600)).toBe('01:00');
    expect(formatWait(100 * 3600 + 1)).toBe('100:01');
  });

  it('divides rank by rate, rounding up', () => {
    expect(expectedInfo(42, 0.25)).toEqual({ rank: 42, waitSeconds: 168, time: '00:03' });
    expect(expectedInfo(1, 10)).toEqual({ rank: 1, waitSeconds: 1, time: '00:01' });
  });

  it('has no estimate without a rate', () => {
    expect(expectedInfo(5, null)).toEqual({ rank: 5, waitSeconds: null, time: null });
  });

  it('plans with the measured rate, else capacity turnover, and none when nobody is admitted', () => {
    const open = { status: 'OPEN' as const, limitCnt: 100, sessionTtlSec: 50 };
    expect(planningRate(open, 7)).toBe(7);
    expect(planningRate(open, null)).toBe(2);
    expect(planningRate({ ...open, status: 'PAUSED' }, 7)).toBeNull();
    expect(planningRate({ ...open, limitCnt: 0 }, null)).toBeNull();
  });

  it('measures admissions per second over the sliding window', () => {
    const now = 1_000 * RATE_BUCKET_MS; // start of a bucket
    const current = rateBucket(now);
    const buckets = new Map([
      [current, 0],
      [current - 1, 55],
      [current - 11, 55],
      [current - 12, 1_000], // left the window
    ]);
    expect(measuredAdmissionRate(buckets, now)).toBeCloseTo(110 / 55);
    expect(measuredAdmissionRate(new Map(), now)).toBeNull();
  });
});
