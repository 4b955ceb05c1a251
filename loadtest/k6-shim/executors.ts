import { parseDuration } from './durations.js';
import type { MetricsSink } from './metrics-sink.js';
import type { ScenarioInfo } from './protocol.js';
import type { VuHandle } from './vu-handle.js';

/** A scenario of `options.scenarios`, as k6 documents it (https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/). */
export interface ScenarioConfig {
  executor: string;
  exec?: string;
  startTime?: string;
  gracefulStop?: string;
  // arrival-rate executors
  startRate?: number;
  rate?: number;
  timeUnit?: string;
  stages?: { duration: string; target: number }[];
  preAllocatedVUs?: number;
  maxVUs?: number;
  // VU executors
  vus?: number;
  iterations?: number;
  duration?: string;
  maxDuration?: string;
}

export const SUPPORTED_EXECUTORS = ['ramping-arrival-rate', 'constant-arrival-rate', 'per-vu-iterations', 'shared-iterations', 'constant-vus'];

export interface ScenarioDeps {
  sink: MetricsSink;
  spawnVu(): Promise<VuHandle>;
  nextIterationInTest(): number;
  /** Called with the message of exec.test.abort(). */
  abort(message: string): void;
  aborted(): boolean;
  log(line: string): void;
}

/**
 * Runs one scenario: starts iterations on this scenario's VUs as its executor says, waits for the
 * running ones up to `gracefulStop` after its end, then ends the VUs still busy (interrupted: a
 * blocked worker thread cannot be stopped any other way).
 */
export class ScenarioRun {
  readonly errors: string[] = [];
  dropped = 0;
  interrupted = 0;
  completed = 0;
  private readonly pool: VuHandle[] = [];
  private readonly idle: VuHandle[] = [];
  private readonly running = new Set<Promise<void>>();
  private spawning = 0;
  private iterationsInScenario = 0;
  private info: ScenarioInfo | null = null;

  constructor(
    readonly name: string,
    readonly config: ScenarioConfig,
    private readonly deps: ScenarioDeps,
  ) {
    if (!SUPPORTED_EXECUTORS.includes(config.executor)) {
      throw new Error(`scenario '${name}': executor '${config.executor}' is not supported by the k6 shim (${SUPPORTED_EXECUTORS.join(', ')})`);
    }
  }

  get vusMax(): number {
    return this.config.maxVUs ?? this.config.preAllocatedVUs ?? this.config.vus ?? 1;
  }

  /** Starts the VUs the scenario holds from the beginning (k6 initialises them before the test). */
  async init(): Promise<void> {
    const initial = this.config.executor.endsWith('arrival-rate') ? (this.config.preAllocatedVUs ?? 1) : (this.config.vus ?? 1);
    const vus = await Promise.all(Array.from({ length: initial }, () => this.deps.spawnVu()));
    this.pool.push(...vus);
    this.idle.push(...vus);
  }

  async run(testStart: number): Promise<void> {
    const startAt = testStart + parseDuration(this.config.startTime, 0);
    await sleepUntil(startAt);
    this.info = { name: this.name, executor: this.config.executor, startTime: Date.now() };
    const c = this.config;
    switch (c.executor) {
      case 'ramping-arrival-rate':
        await this.arrivals(
          c.startRate ?? 0,
          (c.stages ?? []).map((s) => ({ ms: parseDuration(s.duration, 0), target: s.target })),
        );
        break;
      case 'constant-arrival-rate':
        await this.arrivals(c.rate ?? 1, [{ ms: parseDuration(c.duration, 0), target: c.rate ?? 1 }]);
        break;
      case 'per-vu-iterations':
        await this.loops(c.iterations ?? 1, parseDuration(c.maxDuration, 600_000), false);
        break;
      case 'shared-iterations':
        await this.loops(c.iterations ?? 1, parseDuration(c.maxDuration, 600_000), true);
        break;
      case 'constant-vus':
        await this.loops(Number.POSITIVE_INFINITY, parseDuration(c.duration, 0), false);
        break;
    }
    await this.finish();
  }

  async end(): Promise<void> {
    await Promise.all(this.pool.map((vu) => vu.terminate()));
  }

  /** Iterations started at a rate that moves linearly within each stage (timeUnit: per how long). */
  private async arrivals(startRate: number, stages: { ms: number; target: number }[]): Promise<void> {
    const unitMs = parseDuration(this.config.timeUnit, 1000);
    const segments: { from: number; to: number; ms: number }[] = [];
    let rate = startRate;
    for (const stage of stages) {
      segments.push({ from: rate, to: stage.target, ms: stage.ms });
      rate = stage.target;
    }
    const totalMs = segments.reduce((sum, s) => sum + s.ms, 0);
    /** Iterations due by `t` ms: the integral of the rate. */
    const due = (t: number): number => {
      let count = 0;
      for (const s of segments) {
        const span = Math.min(t, s.ms);
        count += (s.from * span + ((s.to - s.from) * span * span) / (2 * s.ms)) / unitMs;
        t -= s.ms;
        if (t <= 0) break;
      }
      return count;
    };
    const begin = Date.now();
    let started = 0;
    for (;;) {
      const elapsed = Math.min(Date.now() - begin, totalMs);
      const target = Math.ceil(due(elapsed) - 1e-9);
      while (started < target && !this.deps.aborted()) {
        started += 1;
        this.arrive();
      }
      if (elapsed >= totalMs || this.deps.aborted()) break;
      await sleep(5);
    }
  }

  /** One arrival: an idle VU runs it, or a new one up to maxVUs, or it is dropped (k6's dropped_iterations). */
  private arrive(): void {
    const vu = this.idle.pop();
    if (vu) {
      this.track(this.iterate(vu));
      return;
    }
    if (this.pool.length + this.spawning >= this.vusMax) {
      this.dropped += 1;
      return;
    }
    this.spawning += 1;
    this.track(
      this.deps.spawnVu().then(
        (fresh) => {
          this.spawning -= 1;
          this.pool.push(fresh);
          return this.iterate(fresh);
        },
        (err: unknown) => {
          this.spawning -= 1;
          this.errors.push(`could not start a VU: ${String(err)}`);
        },
      ),
    );
  }

  /** Each VU runs iterations back to back: `perVu` each, or from one shared count, until time is up. */
  private async loops(iterations: number, durationMs: number, shared: boolean): Promise<void> {
    const deadline = Date.now() + durationMs;
    let left = iterations * (shared ? 1 : this.pool.length);
    const vus = this.idle.splice(0);
    await Promise.all(
      vus.map(async (vu) => {
        let mine = shared ? Number.POSITIVE_INFINITY : iterations;
        while (mine > 0 && left > 0 && Date.now() < deadline && !this.deps.aborted()) {
          mine -= 1;
          left -= 1;
          const iteration = this.iterate(vu, false);
          this.track(iteration);
          await iteration;
        }
        if (!this.idle.includes(vu)) this.idle.push(vu);
      }),
    );
  }

  private async iterate(vu: VuHandle, release = true): Promise<void> {
    vu.busy = true;
    try {
      const done = await vu.send({
        type: 'iterate',
        exec: this.config.exec ?? 'default',
        scenario: this.info!,
        iterationInTest: this.deps.nextIterationInTest(),
        iterationInScenario: this.iterationsInScenario++,
      });
      this.deps.sink.add(done.samples, done.checks);
      this.completed += 1;
      if (done.error) {
        this.errors.push(done.error);
        this.deps.log(`[${this.name}] iteration failed: ${done.error.split('\n')[0]}`);
      }
      if (done.abort !== undefined) this.deps.abort(done.abort);
    } catch (err) {
      // The VU was ended while it ran (gracefulStop), or its thread died.
      this.interrupted += 1;
      if (!String(err).includes('exited')) this.errors.push(String(err));
      return;
    } finally {
      vu.busy = false;
    }
    if (release) this.idle.push(vu);
  }

  private track(iteration: Promise<void>): void {
    this.running.add(iteration);
    void iteration.finally(() => this.running.delete(iteration));
  }

  private async finish(): Promise<void> {
    const graceMs = parseDuration(this.config.gracefulStop, 30_000);
    const all = Promise.all([...this.running]);
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const inTime = await Promise.race([all.then(() => true), graceOver]);
    clearTimeout(timer);
    if (!inTime) {
      const busy = this.pool.filter((vu) => vu.busy);
      this.deps.log(`[${this.name}] gracefulStop (${graceMs} ms) reached: interrupting ${busy.length} iterations`);
      await Promise.all(busy.map((vu) => vu.terminate()));
      await all;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sleepUntil(at: number): Promise<void> {
  return sleep(Math.max(0, at - Date.now()));
}
