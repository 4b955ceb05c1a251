/**
 * Everything the waiting-room scenario takes from the environment (`k6 run -e NAME=value`), with
 * defaults for a local Foyer. Durations are k6 durations (`90s`, `2m`).
 */
export interface SpikeSettings {
  baseUrl: string;
  eventId: string;
  /** With it, setup creates the event when missing and the admin scenario raises limitCnt. */
  adminApiKey: string | null;
  /** Arrivals per second at the start and at the peak of the spike. */
  arrivalsStart: number;
  arrivalsPeak: number;
  rampUp: string;
  hold: string;
  rampDown: string;
  preAllocatedVUs: number;
  maxVUs: number;
  /** limitCnt of an event setup creates, and what the admin scenario raises it to at `raiseAt`. */
  limitStart: number;
  limitRaised: number;
  raiseAt: string;
  /** A visitor gives up waiting after this long. */
  maxWait: string;
  /** Extra wait added to pollAfterMs, up to this fraction, so polls do not synchronise. */
  pollJitter: number;
  /** How long an admitted visitor stays before calling exit. */
  sessionHold: string;
  /** Settings of an event setup creates. */
  minPollIntervalMs: number;
  waitTimeoutSec: number;
  sessionTtlSec: number;
  /** Thresholds. */
  p95Ms: number;
  p99Ms: number;
  maxErrorRate: number;
  /** Delete the event in teardown when setup created it. */
  deleteEvent: boolean;
  /** Also write the raw summary (JSON) to this file. */
  summaryJson: string | null;
}

export function readSettings(env: Record<string, string | undefined>): SpikeSettings {
  const text = (name: string, fallback: string) => env[name] || fallback;
  const number = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number, got '${value}'`);
    return parsed;
  };
  return {
    baseUrl: text('BASE_URL', 'http://localhost:3000').replace(/\/+$/, ''),
    eventId: text('EVENT_ID', 'k6-spike'),
    adminApiKey: env.ADMIN_API_KEY || null,
    arrivalsStart: number('ARRIVALS_START', 5),
    arrivalsPeak: number('ARRIVALS_PEAK', 100),
    rampUp: text('RAMP_UP', '30s'),
    hold: text('HOLD', '1m'),
    rampDown: text('RAMP_DOWN', '10s'),
    preAllocatedVUs: number('PRE_VUS', 100),
    maxVUs: number('MAX_VUS', 2000),
    limitStart: number('LIMIT_START', 50),
    limitRaised: number('LIMIT_RAISED', 500),
    raiseAt: text('RAISE_AT', '45s'),
    maxWait: text('MAX_WAIT', '5m'),
    pollJitter: number('POLL_JITTER', 0.2),
    sessionHold: text('SESSION_HOLD', '5s'),
    minPollIntervalMs: number('MIN_POLL_MS', 1000),
    waitTimeoutSec: number('WAIT_TIMEOUT_SEC', 300),
    sessionTtlSec: number('SESSION_TTL_SEC', 600),
    p95Ms: number('P95_MS', 500),
    p99Ms: number('P99_MS', 1500),
    maxErrorRate: number('MAX_ERROR_RATE', 0.01),
    deleteEvent: env.DELETE_EVENT === 'true',
    summaryJson: env.SUMMARY_JSON || null,
  };
}

/** k6 durations in milliseconds: `500ms`, `30s`, `1m30s`, `2h`. */
export function durationMs(value: string): number {
  let total = 0;
  let matched = '';
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  for (let m = part.exec(value); m !== null; m = part.exec(value)) {
    total += Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as Record<string, number>)[m[2]];
    matched += m[0];
  }
  if (matched === '' || matched !== value) throw new Error(`invalid duration '${value}'`);
  return total;
}
