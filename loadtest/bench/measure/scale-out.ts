import type { BenchContext } from '../bench-context.js';
import { runTogether, type LoadResult, type LoadSpec } from '../load/load-generator.js';
import { startApi } from '../processes.js';
import { compareAlternating } from '../rounds.js';

export interface ScaleOutFigures {
  one: LoadResult;
  two: LoadResult;
  ratio: number;
}

/**
 * Poll throughput with one and with two API processes, in alternating rounds. The load is two
 * generators of half the connections each: both at the one process, or one at each — so the
 * load side is the same in both. Needs a shared database (two processes).
 */
export async function measureScaleOut(ctx: BenchContext, options: { ticketsFile: string }): Promise<ScaleOutFigures> {
  const second = ctx.track(await startApi({ name: 'api 2', env: { ...ctx.backing.env, FOYER_ROLES: 'api' } }));
  const half = Math.max(1, Math.floor(ctx.plan.connections / 2));
  const spec = (url: string, seconds: number): LoadSpec => ({
    request: { kind: 'poll', url: `${url}/v1/queue/status`, ticketsFile: options.ticketsFile },
    connections: half,
    durationSeconds: seconds,
    threads: 1,
  });
  try {
    const comparison = await compareAlternating(
      [
        { name: '1 process', run: (s) => runTogether(ctx.load, [spec(ctx.api.url, s), spec(ctx.api.url, s)]) },
        { name: '2 processes', run: (s) => runTogether(ctx.load, [spec(ctx.api.url, s), spec(second.url, s)]) },
      ],
      { rounds: ctx.plan.rounds, seconds: ctx.plan.roundSeconds, warmupSeconds: ctx.plan.warmupSeconds, log: ctx.log },
    );
    const one = comparison.median['1 process'];
    const two = comparison.median['2 processes'];
    return { one, two, ratio: two.rps / one.rps };
  } finally {
    await second.stop();
  }
}
