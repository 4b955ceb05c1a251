import { loadAt, type BenchContext } from '../bench-context.js';
import type { LoadResult } from '../load/load-generator.js';
import { compareAlternating, type Comparison } from '../rounds.js';

export interface PollFigures {
  queueSize: number;
  foyer: LoadResult;
  floor: LoadResult;
  /** Foyer's median throughput over the floor's. */
  ratio: number;
  /**
   * The floor with the same write gathering as Foyer's API connection, in the same rounds (the
   * headline only): what Foyer ÷ floor would be had the floor done that work too.
   */
  coalescingFloor: LoadResult | null;
  comparison: Comparison;
}

/**
 * `GET /v1/queue/status` against the floor's `GET /floor/status`, both rotating over the same
 * tickets of one queue, in alternating rounds.
 */
export async function measurePoll(
  ctx: BenchContext,
  options: { queueSize: number; ticketsFile: string; rounds: number; seconds: number; withCoalescingFloor: boolean },
): Promise<PollFigures> {
  const { ticketsFile } = options;
  const floorAt = (process: { url: string }) => (s: number) => loadAt(ctx, { kind: 'poll', url: `${process.url}/floor/status`, ticketsFile }, s);
  const comparison = await compareAlternating(
    [
      { name: 'foyer', run: (s) => loadAt(ctx, { kind: 'poll', url: `${ctx.api.url}/v1/queue/status`, ticketsFile }, s) },
      { name: 'floor', run: floorAt(ctx.floor) },
      ...(options.withCoalescingFloor ? [{ name: 'coalescingFloor', run: floorAt(ctx.coalescingFloor) }] : []),
    ],
    { rounds: options.rounds, seconds: options.seconds, warmupSeconds: ctx.plan.warmupSeconds, log: ctx.log },
  );
  const { foyer, floor } = comparison.median;
  const coalescingFloor = comparison.median.coalescingFloor ?? null;
  return { queueSize: options.queueSize, foyer, floor, ratio: foyer.rps / floor.rps, coalescingFloor, comparison };
}
