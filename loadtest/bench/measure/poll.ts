import { loadAt, type BenchContext } from '../bench-context.js';
import type { LoadResult } from '../load/load-generator.js';
import { compareAlternating, type Comparison } from '../rounds.js';

export interface PollFigures {
  queueSize: number;
  foyer: LoadResult;
  floor: LoadResult;
  /** Foyer's median throughput over the floor's. */
  ratio: number;
  comparison: Comparison;
}

/**
 * `GET /v1/queue/status` against the floor's `GET /floor/status`, both rotating over the same
 * tickets of one queue, in alternating rounds.
 */
export async function measurePoll(
  ctx: BenchContext,
  options: { queueSize: number; ticketsFile: string; rounds: number; seconds: number },
): Promise<PollFigures> {
  const { ticketsFile } = options;
  const comparison = await compareAlternating(
    [
      { name: 'foyer', run: (s) => loadAt(ctx, { kind: 'poll', url: `${ctx.api.url}/v1/queue/status`, ticketsFile }, s) },
      { name: 'floor', run: (s) => loadAt(ctx, { kind: 'poll', url: `${ctx.floor.url}/floor/status`, ticketsFile }, s) },
    ],
    { rounds: options.rounds, seconds: options.seconds, warmupSeconds: ctx.plan.warmupSeconds, log: ctx.log },
  );
  const { foyer, floor } = comparison.median;
  return { queueSize: options.queueSize, foyer, floor, ratio: foyer.rps / floor.rps, comparison };
}
