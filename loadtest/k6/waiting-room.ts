/**
 * A spike of visitors against a Foyer event, the way a ticket sale starts:
 *
 * - `arrivals` (ramping-arrival-rate): each iteration is one visitor who enters, polls honouring
 *   `pollAfterMs` (plus jitter) until admitted, verifies the successToken, stays a moment, and exits.
 * - `admin` (one iteration at RAISE_AT, only with ADMIN_API_KEY): raises `limitCnt` mid-spike, as
 *   an operator does when the backend copes.
 *
 * Thresholds on p95/p99 latency per call, error rate and places lost; the summary gives admitted
 * users per second and wait times. Settings come from the environment (lib/settings.ts):
 *
 *   k6 run -e BASE_URL=https://foyer.example -e EVENT_ID=launch -e ADMIN_API_KEY=... \
 *          -e ARRIVALS_PEAK=200 loadtest/k6/waiting-room.ts
 */
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { bodyOf, FoyerApi, type QueueState } from './lib/foyer-api.ts';
import { durationMs, readSettings } from './lib/settings.ts';
import { waitingRoomSummary, type SummaryInput } from './lib/summary.ts';

const settings = readSettings(__ENV);
const api = new FoyerApi(settings.baseUrl, settings.adminApiKey);

const visitors = new Counter('foyer_visitors');
const admitted = new Counter('foyer_admitted');
const gaveUp = new Counter('foyer_gave_up');
const lostPlace = new Counter('foyer_lost_place');
const waitTime = new Trend('foyer_wait_time', true);
const pollsPerUser = new Trend('foyer_polls');
const rankOnArrival = new Trend('foyer_rank_on_arrival');

const latency = [`p(95)<${settings.p95Ms}`, `p(99)<${settings.p99Ms}`];

export const options: Options = {
  scenarios: {
    arrivals: {
      executor: 'ramping-arrival-rate',
      exec: 'visitor',
      startRate: settings.arrivalsStart,
      timeUnit: '1s',
      preAllocatedVUs: settings.preAllocatedVUs,
      maxVUs: settings.maxVUs,
      stages: [
        { duration: settings.rampUp, target: settings.arrivalsPeak },
        { duration: settings.hold, target: settings.arrivalsPeak },
        { duration: settings.rampDown, target: 0 },
      ],
      // Visitors still waiting when the arrivals end keep waiting, up to MAX_WAIT.
      gracefulStop: settings.maxWait,
    },
    ...(settings.adminApiKey
      ? { admin: { executor: 'per-vu-iterations' as const, exec: 'raiseLimit', vus: 1, iterations: 1, startTime: settings.raiseAt } }
      : {}),
  },
  thresholds: {
    'http_req_duration{op:enter}': latency,
    'http_req_duration{op:poll}': latency,
    'http_req_duration{op:verify}': latency,
    'http_req_duration{op:exit}': latency,
    http_req_failed: [`rate<${settings.maxErrorRate}`],
    checks: [`rate>${1 - settings.maxErrorRate}`],
    foyer_admitted: ['count>0'],
    foyer_lost_place: ['count==0'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)'],
};

interface SetupData {
  createdEvent: boolean;
}

export function setup(): SetupData {
  if (!settings.adminApiKey) return { createdEvent: false };
  const existing = api.getEvent(settings.eventId);
  if (existing.status === 200) return { createdEvent: false };
  const created = api.createEvent({
    eventId: settings.eventId,
    name: `k6 spike ${settings.eventId}`,
    limitCnt: settings.limitStart,
    minPollIntervalMs: settings.minPollIntervalMs,
    waitTimeoutSec: settings.waitTimeoutSec,
    sessionTtlSec: settings.sessionTtlSec,
    blockReentry: false,
  });
  if (!check(created, { 'event created': (r) => r.status === 201 })) {
    throw new Error(`could not create event ${settings.eventId}: ${created.status} ${typeof created.body === 'string' ? created.body : ''}`);
  }
  return { createdEvent: true };
}

export function teardown(data: SetupData): void {
  if (data.createdEvent && settings.deleteEvent) api.deleteEvent(settings.eventId);
}

/** One visitor, from arrival to exit. */
export function visitor(): void {
  visitors.add(1);
  const arrived = Date.now();
  const id = `k6-${exec.vu.idInTest}-${exec.scenario.iterationInTest}-${Math.random().toString(36).slice(2, 8)}`;
  const entered = api.enter(settings.eventId, id);
  let state = bodyOf<QueueState>(entered);
  if (!check(entered, { 'enter answers 200': (r) => r.status === 200 }) || !state) return;
  if (state.expectedInfo) rankOnArrival.add(state.expectedInfo.rank);

  let polls = 0;
  const giveUpAt = arrived + durationMs(settings.maxWait);
  while (state.status === 'WAIT') {
    if (Date.now() >= giveUpAt) {
      gaveUp.add(1);
      return;
    }
    sleep(((state.pollAfterMs ?? settings.minPollIntervalMs) * (1 + settings.pollJitter * Math.random())) / 1000);
    const polled = api.status(state.ticket ?? '');
    polls += 1;
    const next = bodyOf<QueueState>(polled);
    if (!check(polled, { 'poll answers 200': (r) => r.status === 200 }) || !next) return;
    state = next;
  }
  if (!check(state, { 'admitted, not expired or blocked': (s) => s.status === 'ENTER' })) {
    lostPlace.add(1);
    return;
  }
  admitted.add(1);
  waitTime.add(Date.now() - arrived);
  pollsPerUser.add(polls);

  const successToken = state.successToken ?? '';
  const verified = api.verify(successToken);
  check(verified, { 'successToken verifies': (r) => bodyOf<{ valid: boolean }>(r)?.valid === true });
  sleep(durationMs(settings.sessionHold) / 1000);
  const exited = api.exit(successToken);
  check(exited, { 'exit answers EXITED': (r) => bodyOf<{ status: string }>(r)?.status === 'EXITED' });
}

/** The operator raises limitCnt during the spike. */
export function raiseLimit(): void {
  const patched = api.patchEvent(settings.eventId, { limitCnt: settings.limitRaised });
  check(patched, { 'limitCnt raised': (r) => r.status === 200 });
}

export function handleSummary(data: SummaryInput): Record<string, string> {
  return {
    stdout: waitingRoomSummary(data, settings.eventId),
    ...(settings.summaryJson ? { [settings.summaryJson]: JSON.stringify(data, null, 2) } : {}),
  };
}
