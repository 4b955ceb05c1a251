import type { SeriesSample } from '@foyer/domain';
import { seriesPoints } from './series-points.js';

const sample = (at: number, admittedTotal: number, abandonedTotal = 0): SeriesSample => ({
  at,
  waiting: 3,
  active: 2,
  limitCnt: 5,
  admittedTotal,
  abandonedTotal,
  backWaitSeconds: 60,
});

describe('seriesPoints', () => {
  it('measures per-minute rates from consecutive samples', () => {
    const points = seriesPoints([sample(0, 0), sample(10_000, 5, 1), sample(30_000, 7, 1)], 0);
    expect(points.map((p) => [p.admittedPerMin, p.abandonedPerMin])).toEqual([
      [null, null],
      [30, 6],
      [6, 0],
    ]);
    expect(points[1]).toMatchObject({ waiting: 3, active: 2, limitCnt: 5, admittedTotal: 5, abandonedTotal: 1, backWaitSeconds: 60 });
  });

  it('uses a sample before the window only to measure the first point', () => {
    const points = seriesPoints([sample(0, 0), sample(10_000, 2), sample(20_000, 4)], 5_000);
    expect(points.map((p) => p.at)).toEqual([10_000, 20_000]);
    expect(points[0].admittedPerMin).toBe(12);
  });

  it('gives no rate where the totals restarted', () => {
    const points = seriesPoints([sample(0, 9), sample(10_000, 1)], 0);
    expect(points[1].admittedPerMin).toBeNull();
  });

  it('rounds rates to hundredths', () => {
    const points = seriesPoints([sample(0, 0), sample(7_000, 1)], 0);
    expect(points[1].admittedPerMin).toBe(8.57);
  });
});
