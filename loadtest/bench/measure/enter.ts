import { loadAt, type BenchContext } from '../bench-context.js';
import { ENTER_ID_PREFIX_LENGTH, type LoadResult } from '../load/load-generator.js';
import { compareAlternating, type Comparison } from '../rounds.js';

export interface EnterFigures {
  foyer: LoadResult;
  floor: LoadResult;
  ratio: number;
  comparison: Comparison;
}

let loads = 0;

/** A new id prefix for every load, so no id enters twice (that would be 409 ALREADY_QUEUED). */
export function nextIdPrefix(): string {
  loads += 1;
  return `e${loads.toString(36).padStart(ENTER_ID_PREFIX_LENGTH - 1, '0')}`;
}

/**
 * `POST /v1/queue/enter` (new ids, on an event that admits nobody, so every enter takes a place at
 * the back: the queue forms, which is the case a waiting room exists for) against the floor's
 * `POST /floor/enter` (INCR + ZADD wait + ZADD seen + ZRANK), in alternating rounds.
 */
export async function measureEnter(ctx: BenchContext, options: { eventId: string; floorEventId: string }): Promise<EnterFigures> {
  const comparison = await compareAlternating(
    [
      {
        name: 'foyer',
        run: (s) => loadAt(ctx, { kind: 'enter', url: `${ctx.api.url}/v1/queue/enter`, eventId: options.eventId, idPrefix: nextIdPrefix() }, s),
      },
      {
        name: 'floor',
        run: (s) => loadAt(ctx, { kind: 'enter', url: `${ctx.floor.url}/floor/enter`, eventId: options.floorEventId, idPrefix: nextIdPrefix() }, s),
      },
    ],
    { rounds: ctx.plan.rounds, seconds: ctx.plan.roundSeconds, warmupSeconds: ctx.plan.warmupSeconds, log: ctx.log },
  );
  const { foyer, floor } = comparison.median;
  return { foyer, floor, ratio: foyer.rps / floor.rps, comparison };
}
