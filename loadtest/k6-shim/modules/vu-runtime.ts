/**
 * The state of one VU inside its worker thread, shared by the shim's k6 modules: who and where it
 * is (k6/execution), the samples and check outcomes of the current iteration, and the synchronous
 * bridge its HTTP calls go through.
 *
 * k6's API is synchronous (`http.get` returns the response, `sleep` blocks the VU). A worker
 * thread can block, so a request is posted to the main thread, which makes it with fetch, posts
 * the answer back and wakes the worker through a SharedArrayBuffer; the worker then takes the
 * answer off its port with `receiveMessageOnPort`.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { CheckOutcome, HttpRequestMessage, HttpResponseMessage, MetricSample, MetricType, ScenarioInfo, WorkerSetup } from '../protocol.js';

const setup = workerData as WorkerSetup;
const syncPort = setup.syncPort;
const signal = new Int32Array(setup.signal);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export const vu = {
  idInTest: setup.vuId,
  iterationInInstance: -1,
  iterationInScenario: -1,
  iterationInTest: -1,
  scenario: null as ScenarioInfo | null,
  env: setup.env,
  scriptDir: setup.scriptDir,
  /** Tags every sample of the VU carries now (scenario, group). */
  tags: {} as Record<string, string>,
};

let samples: MetricSample[] = [];
/** Custom metrics the script made, by name (reported to the main thread for its thresholds). */
export const declaredMetrics = new Map<string, { type: MetricType; contains: 'time' | 'default' }>();
let checks: CheckOutcome[] = [];

export function addSample(metric: string, type: MetricType, contains: 'time' | 'default', value: number, tags?: Record<string, unknown>): void {
  const all: Record<string, string> = { ...vu.tags };
  for (const [key, tag] of Object.entries(tags ?? {})) all[key] = String(tag);
  samples.push({ metric, type, contains, value, tags: all });
}

export function addCheck(outcome: CheckOutcome): void {
  checks.push(outcome);
}

/** Everything recorded since the last call. */
export function takeRecorded(): { samples: MetricSample[]; checks: CheckOutcome[] } {
  const taken = { samples, checks };
  samples = [];
  checks = [];
  return taken;
}

export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** Makes the request on the main thread and blocks this VU until the answer is back. */
export function requestSync(request: HttpRequestMessage): HttpResponseMessage {
  Atomics.store(signal, 0, 0);
  syncPort.postMessage(request);
  const waited = Atomics.wait(signal, 0, 0, request.timeoutMs + 5_000);
  const answer = receiveMessageOnPort(syncPort);
  if (waited === 'timed-out' || !answer) {
    return { status: 0, url: request.url, body: '', headers: {}, durationMs: request.timeoutMs, error: 'request timeout', errorCode: 1050 };
  }
  return answer.message as HttpResponseMessage;
}

/** Thrown by `exec.test.abort()`: ends the whole run, as in k6. */
export class TestAbort extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestAbort';
  }
}
