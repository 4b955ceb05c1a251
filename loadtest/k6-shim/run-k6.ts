import { dirname, resolve } from 'node:path';
import { compileScript } from './compile-script.js';
import { ScenarioRun, type ScenarioConfig } from './executors.js';
import { MetricsSink, type SummaryData, type ThresholdResult } from './metrics-sink.js';
import { VuHandle, type Done } from './vu-handle.js';

/**
 * A tiny k6 in Node, for running the project's k6 scripts against a real Foyer inside `npm test`
 * (k6 itself is a Go binary the test machines need not have). It gives scripts the k6 API they use
 * — `k6` (check, sleep, group, fail), `k6/http`, `k6/metrics`, `k6/execution`, `__ENV`, `__VU`,
 * `__ITER`, `open` — and runs `options.scenarios` with the executors ramping-arrival-rate,
 * constant-arrival-rate, per-vu-iterations, shared-iterations and constant-vus, one worker thread
 * per VU, then setup/teardown, thresholds (sub-metrics included) and handleSummary as k6 does.
 * It proves the scripts work; it is not a load generator (use k6, or wrk for the benchmarks).
 */

export interface K6RunOptions {
  /** What the script reads from `__ENV`. */
  env?: Record<string, string>;
  /** Where the shim's own messages go (default: stderr). */
  log?: (line: string) => void;
}

export interface K6RunResult {
  /** What handleSummary was given. */
  summary: SummaryData;
  /** What handleSummary returned (`stdout`, file names → content), or null without one. */
  summaryOutput: Record<string, string> | null;
  thresholds: ThresholdResult[];
  thresholdsPassed: boolean;
  iterations: { completed: number; interrupted: number; dropped: number };
  /** Exceptions thrown by iterations, setup or teardown. */
  errors: string[];
  aborted: string | null;
  /** As k6 would exit: 0, 99 (thresholds crossed), 107 (script error in setup/teardown), 108 (aborted). */
  exitCode: number;
}

interface ScriptOptions {
  scenarios?: Record<string, ScenarioConfig>;
  thresholds?: Record<string, unknown>;
  summaryTrendStats?: string[];
  vus?: number;
  iterations?: number;
  duration?: string;
}

export async function runK6(scriptPath: string, options: K6RunOptions = {}): Promise<K6RunResult> {
  const env = options.env ?? {};
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const compiled = compileScript(scriptPath);
  const scriptDir = dirname(resolve(scriptPath));
  const sink = new MetricsSink();
  const errors: string[] = [];
  let nextVuId = 1;
  let iterationInTest = 0;
  let aborted: string | null = null;
  let scriptError = false;

  const start = (id: number, setupData?: unknown) =>
    VuHandle.start({ id, workerUrl: compiled.workerUrl, scriptUrl: compiled.scriptUrl, scriptDir, env, setupData });
  // VU 0 is k6's init context: options, setup, teardown and handleSummary run there.
  const { vu: initVu, ready } = await start(0).catch((err: unknown) => {
    compiled.remove();
    throw err;
  });
  const runs: ScenarioRun[] = [];
  try {
    for (const metric of ready.metrics) sink.declare(metric.name, metric.type, metric.contains);
    const scriptOptions = ready.options as ScriptOptions;
    const thresholds = scriptOptions.thresholds ?? {};
    sink.evaluate(thresholds, 1); // refuses unknown metrics and bad expressions before anything runs

    const call = async (message: Parameters<VuHandle['send']>[0], what: string): Promise<Done> => {
      const done = await initVu.send(message);
      sink.add(done.samples, done.checks);
      if (done.error) {
        scriptError = true;
        errors.push(`${what}: ${done.error}`);
        log(`${what} failed: ${done.error}`);
      }
      if (done.abort !== undefined) aborted ??= done.abort;
      return done;
    };

    const setupData = ready.exports.includes('setup') ? (await call({ type: 'setup' }, 'setup')).result : undefined;
    const deps = {
      sink,
      spawnVu: async () => (await start(nextVuId++, setupData)).vu,
      nextIterationInTest: () => iterationInTest++,
      abort: (message: string) => (aborted ??= message),
      aborted: () => aborted !== null || scriptError,
      log,
    };
    for (const [name, config] of Object.entries(scenariosOf(scriptOptions))) runs.push(new ScenarioRun(name, config, deps));

    let durationMs = 0;
    if (!scriptError && aborted === null) {
      for (const run of runs) await run.init();
      const testStart = Date.now();
      await Promise.all(runs.map((run) => run.run(testStart)));
      durationMs = Date.now() - testStart;
    }
    for (const run of runs) await run.end();
    if (ready.exports.includes('teardown')) await call({ type: 'teardown', data: setupData }, 'teardown');

    const iterations = {
      completed: runs.reduce((n, r) => n + r.completed, 0),
      interrupted: runs.reduce((n, r) => n + r.interrupted, 0),
      dropped: runs.reduce((n, r) => n + r.dropped, 0),
    };
    errors.push(...runs.flatMap((r) => r.errors));
    sink.set('dropped_iterations', 'counter', iterations.dropped);
    sink.set(
      'vus_max',
      'gauge',
      runs.reduce((n, r) => n + r.vusMax, 0),
    );
    const thresholdResults = sink.evaluate(thresholds, durationMs);
    const summary = sink.summary({ trendStats: scriptOptions.summaryTrendStats, durationMs, thresholds: thresholdResults });
    const summaryOutput = ready.exports.includes('handleSummary')
      ? (((await call({ type: 'summary', data: summary }, 'handleSummary')).result as Record<string, string> | undefined) ?? null)
      : null;
    const thresholdsPassed = thresholdResults.every((t) => t.ok);
    return {
      summary,
      summaryOutput,
      thresholds: thresholdResults,
      thresholdsPassed,
      iterations,
      errors,
      aborted,
      exitCode: aborted !== null ? 108 : scriptError ? 107 : thresholdsPassed ? 0 : 99,
    };
  } finally {
    for (const run of runs) await run.end().catch(() => undefined);
    await initVu.terminate();
    compiled.remove();
  }
}

/** `options.scenarios`, or the one k6 makes from the `vus`/`iterations`/`duration` shortcuts. */
function scenariosOf(options: ScriptOptions): Record<string, ScenarioConfig> {
  if (options.scenarios && Object.keys(options.scenarios).length > 0) return options.scenarios;
  const vus = options.vus ?? 1;
  if (options.duration) return { default: { executor: 'constant-vus', vus, duration: options.duration } };
  if (options.iterations) return { default: { executor: 'shared-iterations', vus, iterations: options.iterations } };
  return { default: { executor: 'per-vu-iterations', vus, iterations: 1 } };
}
