/**
 * The k6 scripts users run against a deployment, executed here against the real app (Redis and
 * PostgreSQL, in this process) through the k6 shim (loadtest/k6-shim): proof that the scenario
 * works end to end, not only that it type-checks. Tiny scale; no assertion on any duration.
 */
import { jest } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { runK6, type K6RunResult } from '../loadtest/k6-shim/run-k6.js';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { admin, ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';

jest.setTimeout(180_000);

const SCRIPT = fileURLToPath(new URL('../loadtest/k6/waiting-room.ts', import.meta.url));

describe('k6 waiting-room scenario through the k6 shim, against the real app', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  const shimLog: string[] = [];

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('redis');
    foyer = await startFoyer(backing);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  /** A spike small enough for a test: a line forms behind limitCnt 1 until the admin raises it. */
  function spike(eventId: string, extra: Record<string, string> = {}): Promise<K6RunResult> {
    return runK6(SCRIPT, {
      env: {
        BASE_URL: foyer.url,
        EVENT_ID: eventId,
        ADMIN_API_KEY: ADMIN_KEY,
        ARRIVALS_START: '2',
        ARRIVALS_PEAK: '6',
        RAMP_UP: '2s',
        HOLD: '2s',
        RAMP_DOWN: '1s',
        LIMIT_START: '1',
        LIMIT_RAISED: '50',
        RAISE_AT: '3s',
        MIN_POLL_MS: '100',
        WAIT_TIMEOUT_SEC: '3',
        SESSION_HOLD: '500ms',
        PRE_VUS: '4',
        MAX_VUS: '60',
        MAX_WAIT: '90s',
        // Latency thresholds far out of reach of a busy test machine: this test asserts no duration.
        P95_MS: '60000',
        P99_MS: '60000',
        ...extra,
      },
      log: (line) => shimLog.push(line),
    });
  }

  it('admits every visitor in turn, who verifies and exits; the admin raises limitCnt; every threshold holds', async () => {
    const result = await spike('k6-spike');

    expect({ errors: result.errors, log: shimLog }).toEqual({ errors: [], log: [] });
    expect(result.thresholds.filter((t) => !t.ok)).toEqual([]);
    expect(result.exitCode).toBe(0);

    const metrics = result.summary.metrics;
    const visitors = metrics.foyer_visitors.values.count;
    expect(visitors).toBeGreaterThanOrEqual(10);
    expect(metrics.foyer_admitted.values.count).toBe(visitors);
    expect(metrics.foyer_lost_place.values.count).toBe(0);
    // The visitors plus the admin's one iteration, none cut short or dropped.
    expect(result.iterations).toEqual({ completed: visitors + 1, interrupted: 0, dropped: 0 });
    // A line formed behind limitCnt 1: later arrivals were given a rank behind others and polled.
    expect(metrics.foyer_rank_on_arrival.values.max).toBeGreaterThan(1);
    expect(metrics.foyer_polls.values.max).toBeGreaterThan(0);
    expect(metrics['http_req_duration{op:poll}'].values['p(99)']).toBeGreaterThan(0);
    expect(result.summaryOutput?.stdout).toContain(`admitted              ${visitors}`);

    // The app saw the same: everybody admitted and gone, and the limit the admin set.
    const event = await admin(foyer.http).getEvent('k6-spike');
    expect(event.body.limitCnt).toBe(50);
    expect(event.body.stats).toMatchObject({ waiting: 0, active: 0, admittedTotal: visitors, exitedTotal: visitors });
  });

  it('fails the run (exit code 99) on a threshold it cannot meet, and names it', async () => {
    // No request takes 0 ms, so p(95)<0 is crossed whatever the machine's speed.
    const result = await spike('k6-threshold', { ARRIVALS_PEAK: '2', RAMP_UP: '1s', HOLD: '1s', LIMIT_START: '5', RAISE_AT: '1s', P95_MS: '0' });

    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(99);
    const crossed = result.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expression}`);
    expect(crossed).toContain('http_req_duration{op:enter} p(95)<0');
    expect(crossed.every((name) => name.endsWith('p(95)<0'))).toBe(true);
    expect(result.summaryOutput?.stdout).toContain('FAILED  http_req_duration{op:enter}: p(95)<0');
  });
});
