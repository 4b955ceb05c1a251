import type { LoadResult } from './load/load-generator.js';

export interface Contender {
  name: string;
  run(seconds: number): Promise<LoadResult>;
}

/** Every round of every contender, and the median of each figure over the rounds. */
export interface Comparison {
  rounds: Record<string, LoadResult[]>;
  median: Record<string, LoadResult>;
}

/**
 * Runs the contenders in alternating rounds (A B, B A, A B, …), so drift in the machine's load —
 * on a shared machine, other people's work — falls on both alike, and takes the median of each
 * figure over the rounds. A warm-up round of each comes first and is not counted.
 */
export async function compareAlternating(
  contenders: readonly Contender[],
  options: { rounds: number; seconds: number; warmupSeconds: number; log: (line: string) => void },
): Promise<Comparison> {
  if (options.warmupSeconds > 0) {
    for (const contender of contenders) await contender.run(options.warmupSeconds);
  }
  const rounds: Record<string, LoadResult[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const contender of order) {
      const result = await contender.run(options.seconds);
      rounds[contender.name].push(result);
      options.log(`    round ${round + 1} ${contender.name}: ${describe(result)}`);
    }
  }
  const median = Object.fromEntries(Object.entries(rounds).map(([name, results]) => [name, medianResult(results)]));
  return { rounds, median };
}

export function describe(result: LoadResult): string {
  const problems = result.non2xx + result.socketErrors > 0 ? `, ${result.non2xx} non-2xx, ${result.socketErrors} socket errors` : '';
  return `${Math.round(result.rps)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${problems}`;
}

/** Each figure's median over the rounds (figure by figure, so it may mix rounds). */
export function medianResult(results: readonly LoadResult[]): LoadResult {
  const pick = (key: keyof LoadResult) => median(results.map((r) => r[key]));
  return {
    requests: pick('requests'),
    seconds: pick('seconds'),
    rps: pick('rps'),
    p50Ms: pick('p50Ms'),
    p90Ms: pick('p90Ms'),
    p99Ms: pick('p99Ms'),
    maxMs: pick('maxMs'),
    // Errors are summed, not medianed: one bad round must show.
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    socketErrors: results.reduce((sum, r) => sum + r.socketErrors, 0),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
