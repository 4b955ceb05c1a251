/**
 * How big and how long a benchmark run is. `full` is the run whose figures go into BENCHMARKS.md
 * (about ten minutes on a 2-core machine); `smoke` runs every step at a tiny size in about a
 * minute, to prove the runner works, and never writes BENCHMARKS.md.
 */
export interface BenchPlan {
  mode: 'full' | 'smoke';
  /** Waiting users of the three poll queues: the rank-cost figure compares the first and last. */
  queueSizes: readonly [number, number, number];
  /** How many distinct tickets the load rotates over (at most the queue size). */
  ticketSample: number;
  /** Load: connections held open by the load generator (DESIGN.md: 64). */
  connections: number;
  /** Alternating rounds per comparison, and seconds per round; the headline poll gets more. */
  rounds: number;
  roundSeconds: number;
  headlineRounds: number;
  headlineRoundSeconds: number;
  /** A discarded round before each comparison, so JIT and connection pools are warm. */
  warmupSeconds: number;
  /** How long the promotion step watches admissions (the queue holds far more than this admits). */
  promotionSeconds: number;
  /** Callback messages posted, spread over `callbackGroups` groups. */
  callbackMessages: number;
  callbackGroups: number;
  /** Seconds of poll load on the profiled API process (0: no profile). */
  profileSeconds: number;
  /** Waiters entered through the enter script per way of entering, with and without Idempotency-Keys. */
  enterKeyWaiters: number;
  /** The line the rebuild step journals and then rebuilds into an empty Redis, and its sessions. */
  rebuildPlaces: number;
  rebuildSessions: number;
}

export const FULL_PLAN: BenchPlan = {
  mode: 'full',
  queueSizes: [1_000, 100_000, 1_000_000],
  ticketSample: 100_000,
  connections: 64,
  rounds: 3,
  roundSeconds: 6,
  headlineRounds: 5,
  headlineRoundSeconds: 8,
  warmupSeconds: 2,
  promotionSeconds: 12,
  callbackMessages: 10_000,
  callbackGroups: 100,
  profileSeconds: 8,
  enterKeyWaiters: 100_000,
  rebuildPlaces: 1_000_000,
  rebuildSessions: 1_000,
};

export const SMOKE_PLAN: BenchPlan = {
  mode: 'smoke',
  queueSizes: [1_000, 2_000, 5_000],
  ticketSample: 1_000,
  connections: 16,
  rounds: 1,
  roundSeconds: 1,
  headlineRounds: 1,
  headlineRoundSeconds: 1,
  warmupSeconds: 0,
  promotionSeconds: 2,
  callbackMessages: 200,
  callbackGroups: 10,
  profileSeconds: 1,
  enterKeyWaiters: 2_000,
  rebuildPlaces: 5_000,
  rebuildSessions: 50,
};
