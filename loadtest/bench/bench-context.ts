import { join } from 'node:path';
import type { BenchBacking } from './backing.js';
import type { FoyerAdmin } from './foyer-admin.js';
import type { LoadGenerator, LoadRequest, LoadResult } from './load/load-generator.js';
import type { BenchPlan } from './plan.js';
import type { BenchProcess } from './processes.js';

/** What every measurement step gets. */
export interface BenchContext {
  plan: BenchPlan;
  backing: BenchBacking;
  load: LoadGenerator;
  /** The API under test: one process, `FOYER_ROLES=api`. */
  api: BenchProcess;
  floor: BenchProcess;
  /** The floor with Foyer's write gathering (`FLOOR_COALESCE=1`): measured beside the headline poll. */
  coalescingFloor: BenchProcess;
  admin: FoyerAdmin;
  log: (line: string) => void;
  /** A path in the run's temporary directory. */
  file(name: string): string;
  /** Remembers a process so it is stopped at the end whatever happens. */
  track(process: BenchProcess): BenchProcess;
}

export function fileIn(backing: BenchBacking) {
  return (name: string) => join(backing.dir, name);
}

/** The plan's standard load against one URL. */
export function loadAt(ctx: BenchContext, request: LoadRequest, seconds: number, connections = ctx.plan.connections): Promise<LoadResult> {
  return ctx.load.run({ request, connections, durationSeconds: seconds });
}

/** `1000` → `1k`, `1000000` → `1M`: event ids and table labels. */
export function sizeLabel(size: number): string {
  if (size >= 1_000_000 && size % 1_000_000 === 0) return `${size / 1_000_000}M`;
  if (size >= 1_000 && size % 1_000 === 0) return `${size / 1_000}k`;
  return String(size);
}
