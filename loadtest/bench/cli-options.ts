import { resolve } from 'node:path';
import { FULL_PLAN, SMOKE_PLAN, type BenchPlan } from './plan.js';

export interface CliOptions {
  plan: BenchPlan;
  /** Where the report goes; null: print only. */
  out: string | null;
  /** A line for the report about the conditions of the run (e.g. "the machine was shared"). */
  note: string | null;
  /** Force a load generator instead of wrk-when-installed. */
  loadGenerator: 'wrk' | 'autocannon' | null;
  /** Run only these steps (the queues are seeded when a picked step polls or promotes); null: every step. */
  only: ReadonlySet<BenchStep> | null;
}

/** The steps `--only` can pick; the queues are seeded when a picked step polls or promotes. */
export const BENCH_STEPS = ['poll', 'scale-out', 'promotion', 'enter', 'enter-keys', 'journal-lag', 'profile', 'callbacks', 'estimates', 'rebuild'] as const;
export type BenchStep = (typeof BENCH_STEPS)[number];

const USAGE = `usage: npm run bench -- [--smoke] [--no-write] [--out FILE] [--note TEXT] [--load-generator wrk|autocannon] [--only STEPS]

  --smoke            every step at a tiny size (about a minute); never writes a report file
  --no-write         print the report without writing BENCHMARKS.md
  --out FILE         write the report to FILE instead of BENCHMARKS.md
  --note TEXT        a note on the conditions of the run, printed in the report
  --load-generator   use this load generator (default: wrk when installed, else autocannon)
  --only STEPS       run only these steps, comma-separated: ${BENCH_STEPS.join(', ')}
                     (e.g. --only poll,enter to measure the two ratios again); never writes a report file

environment: REDIS_URL (default redis://127.0.0.1:6379/0); BENCH_POSTGRES_URL, a PostgreSQL
server where the run may create and drop a database (default postgresql://postgres@127.0.0.1:5432/postgres;
without one the embedded database is used and the multi-process steps are skipped)`;

export function parseCliOptions(argv: readonly string[], root: string): CliOptions {
  let plan = FULL_PLAN;
  let write = true;
  let out = resolve(root, 'BENCHMARKS.md');
  let note: string | null = null;
  let loadGenerator: CliOptions['loadGenerator'] = null;
  let only: Set<BenchStep> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    switch (arg) {
      case '--smoke':
        plan = SMOKE_PLAN;
        break;
      case '--no-write':
        write = false;
        break;
      case '--out':
        out = resolve(value());
        break;
      case '--note':
        note = value();
        break;
      case '--load-generator': {
        const name = value();
        if (name !== 'wrk' && name !== 'autocannon') throw new Error(`unknown load generator ${name}\n${USAGE}`);
        loadGenerator = name;
        break;
      }
      case '--only': {
        only = new Set();
        for (const name of value()
          .split(',')
          .map((part) => part.trim())) {
          if (!(BENCH_STEPS as readonly string[]).includes(name)) throw new Error(`unknown step ${name}\n${USAGE}`);
          only.add(name as BenchStep);
        }
        break;
      }
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
      // falls through (process.exit does not return)
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  // A smoke run proves the runner works, and a partial run leaves figures out: neither may replace
  // a real report.
  return { plan, out: write && plan.mode === 'full' && only === null ? out : null, note, loadGenerator, only };
}
