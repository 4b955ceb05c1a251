import { loadAt, type BenchContext } from '../bench-context.js';
import { benchEvent } from '../foyer-admin.js';
import type { LoadResult } from '../load/load-generator.js';
import { withBackgroundRole } from './background-roles.js';
import { nextIdPrefix } from './enter.js';

export interface JournalLagFigures {
  /** The spike: new ids entering as fast as the load can send them. */
  spike: LoadResult;
  spikeSeconds: number;
  /** Where the forwarder ran (it is part of the scheduler role). */
  topology: string;
  /** The event's `journalLagMs` read every SAMPLE_EVERY_MS during the spike. */
  samples: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  pendingMax: number;
  /** From the end of the spike until the journal had every entry. */
  drainMs: number;
  /** Entries in the journal at the end, against the places taken (each place is one entry). */
  placesTaken: number;
}

const SAMPLE_EVERY_MS = 200;
const DRAIN_LIMIT_MS = 120_000;

/**
 * The loss bound of a Redis failure: a spike of enters on a fresh event while the forwarder copies
 * the outbox into PostgreSQL, reading the event's journal lag (the age of its oldest change not yet
 * in the journal, on Redis's clock) all along, then how long the journal takes to catch up.
 */
export async function measureJournalLag(ctx: BenchContext, options: { eventId: string; seconds: number }): Promise<JournalLagFigures> {
  await ctx.admin.createEvent(benchEvent(options.eventId));
  const { result, topology } = await withBackgroundRole(ctx, 'scheduler', async () => {
    const lags: number[] = [];
    let pendingMax = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const stats = await ctx.admin.stats(options.eventId);
        lags.push(stats.journalLagMs);
        pendingMax = Math.max(pendingMax, stats.journalPending);
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
      }
    })();
    const spike = await loadAt(
      ctx,
      { kind: 'enter', url: `${ctx.api.url}/v1/queue/enter`, eventId: options.eventId, idPrefix: nextIdPrefix() },
      options.seconds,
    );
    sampling = false;
    await sampler;
    const spikeEnded = Date.now();
    let stats = await ctx.admin.stats(options.eventId);
    while (stats.journalPending > 0 && Date.now() - spikeEnded < DRAIN_LIMIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stats = await ctx.admin.stats(options.eventId);
    }
    if (stats.journalPending > 0) throw new Error(`the journal still lacked ${stats.journalPending} entries ${DRAIN_LIMIT_MS / 1000} s after the spike`);
    return { spike, lags, pendingMax, drainMs: Date.now() - spikeEnded, placesTaken: stats.waiting };
  });
  const sorted = [...result.lags].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    spike: result.spike,
    spikeSeconds: options.seconds,
    topology,
    samples: sorted.length,
    lagP50Ms: at(0.5),
    lagP99Ms: at(0.99),
    lagMaxMs: sorted.at(-1) ?? 0,
    pendingMax: result.pendingMax,
    drainMs: result.drainMs,
    placesTaken: result.placesTaken,
  };
}
