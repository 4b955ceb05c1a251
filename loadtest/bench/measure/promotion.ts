import { Redis } from 'ioredis';
import { RedisQueueStore } from '@foyer/queue-store';
import { loadAt, type BenchContext } from '../bench-context.js';
import type { LoadResult } from '../load/load-generator.js';
import { QueueKeys } from '../../../libs/queue-store/src/redis/queue-keys.js';
import { withBackgroundRole } from './background-roles.js';

const SAMPLE_EVERY_MS = 250;
/** The promote script's batch, as the scheduler calls it. */
const SCRIPT_BATCH = 1_000;

export interface PromotionFigures {
  queueSize: number;
  /** Admissions per second between the first admission and the end of the window. */
  admittedPerSecond: number;
  /** The best whole second. */
  peakPerSecond: number;
  admitted: number;
  windowSeconds: number;
  /** Polls of waiters far back in the same line while the promotion ran. */
  pollDuring: LoadResult;
  topology: string;
  /** The promote script called back to back by one client: what Redis can do without the scheduler. */
  scriptAlone: { batches: number; admittedPerSecond: number; msPerBatch: number } | null;
}

/**
 * Raises `limitCnt` of a queue of `queueSize` waiters to let everybody in, with the scheduler
 * running, and counts admissions (the event's `admittedTotal`) for a fixed window while the load
 * polls with tickets of waiters too far back to be reached in it.
 */
export async function measurePromotion(ctx: BenchContext, options: { eventId: string; queueSize: number; ticketsFile: string }): Promise<PromotionFigures> {
  const { redis } = ctx.backing;
  const stats = new QueueKeys(ctx.backing.keyPrefix).eventKey(options.eventId, 'stats');
  const admittedTotal = async () => Number((await redis.hget(stats, 'admittedTotal')) ?? 0);
  const windowMs = ctx.plan.promotionSeconds * 1000;

  const { result, topology } = await withBackgroundRole(ctx, 'scheduler', async () => {
    const before = await admittedTotal();
    const samples: { at: number; admitted: number }[] = [];
    const start = Date.now();
    await ctx.admin.patchEvent(options.eventId, { limitCnt: Math.min(1_000_000, options.queueSize) });
    const polls = loadAt(ctx, { kind: 'poll', url: `${ctx.api.url}/v1/queue/status`, ticketsFile: options.ticketsFile }, ctx.plan.promotionSeconds);
    while (Date.now() - start < windowMs) {
      samples.push({ at: Date.now(), admitted: (await admittedTotal()) - before });
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
    }
    samples.push({ at: Date.now(), admitted: (await admittedTotal()) - before });
    return { samples, pollDuring: await polls };
  });

  const { samples, pollDuring } = result;
  const first = samples.find((s) => s.admitted > 0);
  const last = samples[samples.length - 1];
  const admittedPerSecond = first && last.at > first.at ? (last.admitted - first.admitted) / ((last.at - first.at) / 1000) : 0;
  let peakPerSecond = 0;
  for (const sample of samples) {
    const later = samples.find((s) => s.at - sample.at >= 1000);
    if (later) peakPerSecond = Math.max(peakPerSecond, ((later.admitted - sample.admitted) * 1000) / (later.at - sample.at));
  }
  ctx.log(`    ${last.admitted} admitted in ${(windowMs / 1000).toFixed(0)} s (${Math.round(admittedPerSecond)}/s after the first)`);

  const scriptAlone = await measureScriptAlone(ctx, options.eventId, options.queueSize - last.admitted);
  return {
    queueSize: options.queueSize,
    admittedPerSecond,
    peakPerSecond,
    admitted: last.admitted,
    windowSeconds: windowMs / 1000,
    pollDuring,
    topology,
    scriptAlone,
  };
}

/** With the scheduler stopped: the store's own promote call, back to back, on what is left. */
async function measureScriptAlone(ctx: BenchContext, eventId: string, waiting: number): Promise<PromotionFigures['scriptAlone']> {
  const batches = Math.min(20, Math.floor(waiting / SCRIPT_BATCH) - 1);
  if (batches < 1) return null;
  const store = new RedisQueueStore(new Redis(ctx.backing.redisUrl), { keyPrefix: ctx.backing.keyPrefix });
  try {
    await store.promote(eventId, 1); // loads the script, so the timing is of EVALSHA only
    const start = process.hrtime.bigint();
    let admitted = 0;
    for (let i = 0; i < batches; i++) admitted += (await store.promote(eventId, SCRIPT_BATCH)).admitted;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { batches, admittedPerSecond: (admitted * 1000) / ms, msPerBatch: ms / batches };
  } finally {
    await store.close();
  }
}
