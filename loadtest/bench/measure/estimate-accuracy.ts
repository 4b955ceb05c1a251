import { SchedulerTick } from '@foyer/application';
import { EVENT_DEFAULTS, estimateWait, FakeClock, toQueueConfig, type EventRecord, type Place } from '@foyer/domain';
import { configureOrBuild, MemoryQueueStore } from '@foyer/queue-store';

/**
 * How good the wait a visitor is told at entry is: a simulation of a sale on the real memory store,
 * the real scheduler tick and the real estimate, on a fake clock, with arrivals and sessions drawn
 * from a seeded generator. Every visitor who had to wait and was admitted in the run compares the
 * wait they were told with the wait they had: `|told − had| ÷ max(had, 30 s)`.
 */

export interface EstimateScenario {
  name: string;
  description: string;
  seed: number;
  limitCnt: number;
  sessionTtlSec: number;
  /** Each session lasts a uniform draw in [min, max] seconds ... */
  sessionSeconds: { min: number; max: number };
  /** ... and ends with an exit call (its slot is given at once) with this probability; otherwise it runs out at `sessionTtlSec`. */
  exitShare: number;
  durationSeconds: number;
  /** Arrivals per second as a multiple of the capacity's throughput, by phase (Poisson arrivals). */
  arrivals: { untilSecond: number; timesCapacity: number }[];
  tickMs: number;
}

/** The throughput a full event sustains: `limitCnt` over the mean session (exits at their time, the rest at the TTL, freed at a tick). */
export function capacityPerSecond(s: EstimateScenario): number {
  const meanExit = (s.sessionSeconds.min + s.sessionSeconds.max) / 2;
  const meanSession = s.exitShare * meanExit + (1 - s.exitShare) * (s.sessionTtlSec + s.tickMs / 2000);
  return s.limitCnt / meanSession;
}

const COMMON = {
  limitCnt: 100,
  sessionTtlSec: 90,
  sessionSeconds: { min: 30, max: 90 },
  exitShare: 0.7,
  durationSeconds: 20 * 60,
  tickMs: 1000,
};

/** The scenarios of the benchmark (the two), fixed here so every run measures the same thing. */
export const ESTIMATE_SCENARIOS: readonly EstimateScenario[] = [
  {
    ...COMMON,
    name: 'standing line',
    description: 'arrivals at 110 % of capacity for 20 minutes',
    seed: 20_261_207,
    arrivals: [{ untilSecond: 20 * 60, timesCapacity: 1.1 }],
  },
  {
    ...COMMON,
    name: 'spike',
    description: 'five times the capacity for 2 minutes, then half of it until minute 20',
    seed: 20_261_208,
    arrivals: [
      { untilSecond: 120, timesCapacity: 5 },
      { untilSecond: 20 * 60, timesCapacity: 0.5 },
    ],
  },
];

/** The most each scenario's median error may be (the targets). */
export const ESTIMATE_TARGETS: Readonly<Record<string, number>> = { 'standing line': 0.2, spike: 0.35 };

export interface EstimateAccuracy {
  scenario: EstimateScenario;
  capacityPerSecond: number;
  arrivals: number;
  /** Told to wait at entry (the rest were admitted at once). */
  waited: number;
  /** Of those, admitted before the run ended: the ones measured. */
  measured: number;
  medianError: number;
  p90Error: number;
  /** Share of the measured whose actual wait fell inside the P25–P75 range they were told. */
  insideMiddleHalf: number;
  medianWaitSeconds: number;
}

/** A small seeded generator (mulberry32): the same draws on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Told {
  enteredAt: number;
  waitSeconds: number;
  p25: number;
  p75: number;
}

export async function simulateEstimateAccuracy(scenario: EstimateScenario): Promise<EstimateAccuracy> {
  const random = seeded(scenario.seed);
  const clock = new FakeClock();
  const start = clock.now();
  const store = new MemoryQueueStore({ clock });
  const eventId = 'simulated-sale';
  const event: EventRecord = {
    ...EVENT_DEFAULTS,
    eventId,
    name: scenario.name,
    limitCnt: scenario.limitCnt,
    sessionTtlSec: scenario.sessionTtlSec,
    waitTimeoutSec: 86_400,
    minPollIntervalMs: 0,
    createdAt: new Date(start),
    updatedAt: new Date(start),
  };
  await configureOrBuild(store, toQueueConfig(event), 'simulation');
  const noCount = { inc: () => undefined };
  const tick = new SchedulerTick(store, { list: async () => [event] }, { refresh: async () => false }, { admissions: noCount, expiries: noCount });

  // Arrival times, Poisson within each phase.
  const capacity = capacityPerSecond(scenario);
  const arrivals: number[] = [];
  let t = 0;
  for (const phase of scenario.arrivals) {
    const rate = capacity * phase.timesCapacity;
    for (;;) {
      t += -Math.log(1 - random()) / rate;
      if (t >= phase.untilSecond) {
        t = phase.untilSecond;
        break;
      }
      arrivals.push(start + t * 1000);
    }
  }

  const told = new Map<string, Told>();
  const places = new Map<string, Place>();
  const exits: { at: number; id: string }[] = [];
  const waits: { error: number; inside: boolean; had: number }[] = [];

  /** Admissions the last operation made, read from the journal as the forwarder would. */
  const noteAdmissions = async () => {
    const entries = await store.readJournal(eventId, 100_000);
    await store.ackJournal(
      eventId,
      entries.map((entry) => entry.entryId),
    );
    for (const entry of entries) {
      if (entry.type !== 'user.admitted') continue;
      const promise = told.get(entry.id);
      if (promise) {
        const had = (entry.at - promise.enteredAt) / 1000;
        waits.push({
          error: Math.abs(promise.waitSeconds - had) / Math.max(had, 30),
          inside: had >= promise.p25 && had <= promise.p75,
          had,
        });
      }
      const seconds = scenario.sessionSeconds.min + random() * (scenario.sessionSeconds.max - scenario.sessionSeconds.min);
      if (random() < scenario.exitShare) insertByTime(exits, { at: entry.at + seconds * 1000, id: entry.id });
    }
  };

  const end = start + scenario.durationSeconds * 1000;
  let nextTick = start + scenario.tickMs;
  let nextArrival = 0;
  for (;;) {
    const due = Math.min(arrivals[nextArrival] ?? Infinity, exits[0]?.at ?? Infinity, nextTick);
    if (due > end) break;
    clock.set(Math.round(due));
    if (due === nextTick) {
      await tick.execute();
      nextTick += scenario.tickMs;
    } else if (due === exits[0]?.at) {
      const { id } = exits.shift()!;
      await store.exit(places.get(id)!);
    } else {
      const id = `visitor-${nextArrival++}`;
      const entered = await store.enter(eventId, id);
      if (entered.outcome !== 'PLACED') throw new Error(`the simulation's enter of ${id} answered ${entered.outcome}`);
      places.set(id, entered.state.place);
      if (entered.state.status === 'WAIT') {
        const info = estimateWait(event, entered.state.rank, entered.state.measuredRate);
        if (info.waitSeconds === null) throw new Error(`no estimate for ${id} at rank ${entered.state.rank}`);
        told.set(id, { enteredAt: clock.now(), waitSeconds: info.waitSeconds, p25: info.waitSecondsP25!, p75: info.waitSecondsP75! });
      }
    }
    await noteAdmissions();
  }

  const errors = waits.map((w) => w.error).sort((a, b) => a - b);
  const had = waits.map((w) => w.had).sort((a, b) => a - b);
  return {
    scenario,
    capacityPerSecond: capacity,
    arrivals: arrivals.length,
    waited: told.size,
    measured: waits.length,
    medianError: quantile(errors, 0.5),
    p90Error: quantile(errors, 0.9),
    insideMiddleHalf: waits.filter((w) => w.inside).length / Math.max(1, waits.length),
    medianWaitSeconds: quantile(had, 0.5),
  };
}

function insertByTime(list: { at: number; id: string }[], item: { at: number; id: string }): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle].at <= item.at) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, item);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
