import { expectedInfo, formatWait, measuredAdmissionRate, planningRate, RATE_BUCKET_MS, rateBucket } from './eta.js';

describe('ETA', () => {
  it('formats waits as HH:MM rounded up to minutes, hours past 99 allowed', () => {
    expect(formatWait(1)).toBe('00:01');
    expect(formatWait(60)).toBe('00:01');
    expect(formatWait(61)).toBe('00:02');
    expect(formatWait(3600)).toBe('01:00');
    expect(formatWait(100 * 3600 + 1)).toBe('100:01');
  });

  it('divides rank by rate, rounding up, with the middle half of where the wait may fall', () => {
    expect(expectedInfo(42, 0.25)).toMatchObject({ rank: 42, waitSeconds: 168, time: '00:03' });
    expect(expectedInfo(1, 10)).toMatchObject({ rank: 1, waitSeconds: 1, time: '00:01' });
    const { waitSeconds, waitSecondsP25, waitSecondsP75 } = expectedInfo(300, 2);
    expect(waitSecondsP25!).toBeLessThan(waitSeconds!);
    expect(waitSecondsP75!).toBeGreaterThan(waitSeconds!);
  });

  it('is surer far back in a busy line than near the front of a slow one', () => {
    const spread = (rank: number, rate: number) => {
      const info = expectedInfo(rank, rate);
      return info.waitSecondsP75! / info.waitSecondsP25!;
    };
    // 300 admissions still to come at 2 a second (120 seen a minute): within about ±10 %.
    expect(spread(300, 2)).toBeLessThan(1.25);
    // The next admission behind ten-minute sessions: anything from half to twice the estimate.
    expect(spread(1, 1 / 300)).toBeGreaterThan(3);
  });

  it('has no estimate without a rate', () => {
    expect(expectedInfo(5, null)).toEqual({ rank: 5, waitSeconds: null, time: null, waitSecondsP25: null, waitSecondsP75: null });
  });

  it('plans with the measured rate, else capacity turnover, and none when nobody is admitted', () => {
    const open = { status: 'OPEN' as const, limitCnt: 100, sessionTtlSec: 50 };
    expect(planningRate(open, 7)).toBe(7);
    expect(planningRate(open, null)).toBe(2);
    expect(planningRate({ ...open, status: 'PAUSED' }, 7)).toBeNull();
    expect(planningRate({ ...open, limitCnt: 0 }, null)).toBeNull();
  });

  describe('the measured admission rate', () => {
    const now = 1_000 * RATE_BUCKET_MS; // start of a bucket
    const current = rateBucket(now);
    // Capacity turnover of 1,000 a second: far above what is measured, so it barely pulls.
    const fastPrior = { limitCnt: 10_000, sessionTtlSec: 10 };

    it('counts admissions over the sliding window, from its first admission', () => {
      const buckets = new Map([
        [current, 0],
        [current - 1, 55],
        [current - 11, 55],
        [current - 12, 1_000], // left the window
      ]);
      // 110 admissions over 55 s, and the prior's 10 admissions in 0.01 s.
      expect(measuredAdmissionRate(buckets, now, fastPrior)).toBeCloseTo(120 / 55.01);
      expect(measuredAdmissionRate(new Map(), now, fastPrior)).toBeNull();
      expect(measuredAdmissionRate(new Map([[current - 3, 0]]), now, fastPrior)).toBeNull();
    });

    it('never spreads a few admissions of a line that just began over the whole window', () => {
      // One admission, in the bucket before this one: 10 s of history, not 60.
      const rate = measuredAdmissionRate(new Map([[current - 2, 1]]), now, { limitCnt: 0, sessionTtlSec: 60 });
      expect(rate).toBeCloseTo(1 / 10);
    });

    it('weighs the capacity turnover against few admissions, and less as they accumulate', () => {
      // Behind ten-minute sessions with one slot, the first admission says little: the next one is
      // still about half a session away, not seconds.
      const slow = { limitCnt: 1, sessionTtlSec: 600 };
      const first = measuredAdmissionRate(new Map([[current - 1, 1]]), now, slow)!;
      expect(1 / first).toBeGreaterThan(250);
      // Eight-second sessions with one slot: the next admission is seconds away either way.
      const quick = measuredAdmissionRate(new Map([[current - 1, 1]]), now, { limitCnt: 1, sessionTtlSec: 8 })!;
      expect(1 / quick).toBeLessThan(10);
      // A full window of admissions at 2 a second outweighs a turnover of 1 a second.
      const busy = new Map(Array.from({ length: 11 }, (_, i) => [current - 1 - i, 10] as [number, number]));
      const rate = measuredAdmissionRate(busy, now, { limitCnt: 60, sessionTtlSec: 60 })!;
      expect(rate).toBeGreaterThan(1.8);
      expect(rate).toBeLessThan(2);
    });
  });
});
