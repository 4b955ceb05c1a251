import type { BenchContext } from '../bench-context.js';
import { startApi, startWorker } from '../processes.js';

/**
 * Runs `work` while the `scheduler` or `dispatcher` role runs: in a worker process of its own when
 * the run has a PostgreSQL database (the production shape), else — the embedded database belongs
 * to one process — inside the API process, restarted with the extra role for the step.
 * Returns what `work` returns and whether the role ran beside the API or inside it.
 */
export async function withBackgroundRole<T>(
  ctx: BenchContext,
  role: 'scheduler' | 'dispatcher',
  work: () => Promise<T>,
): Promise<{ result: T; topology: string }> {
  if (ctx.backing.databaseUrl !== null) {
    const worker = ctx.track(await startWorker({ name: `worker (${role})`, env: { ...ctx.backing.env, FOYER_ROLES: role } }));
    try {
      return { result: await work(), topology: `${role} in a worker process beside the API` };
    } finally {
      await worker.stop();
    }
  }
  await restartApi(ctx, `api,${role}`);
  try {
    return { result: await work(), topology: `${role} inside the API process (embedded database: one process only)` };
  } finally {
    await restartApi(ctx, 'api');
  }
}

async function restartApi(ctx: BenchContext, roles: string): Promise<void> {
  await ctx.api.stop();
  ctx.api = ctx.track(await startApi({ name: `api (${roles})`, env: { ...ctx.backing.env, FOYER_ROLES: roles } }));
  ctx.admin = ctx.admin.withBaseUrl(ctx.api.url);
}
