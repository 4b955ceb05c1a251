import type { MessagePort } from 'node:worker_threads';

/**
 * Messages between the shim's main thread (run-k6.ts) and a VU's worker thread (vu-worker.ts).
 * Each VU is a worker thread with its own copy of the script, as each k6 VU has its own runtime.
 */

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface MetricSample {
  metric: string;
  type: MetricType;
  /** `time` for trends of milliseconds (printed as durations), else `default`. */
  contains: 'time' | 'default';
  value: number;
  tags: Record<string, string>;
}

/** A check's outcome, aggregated for the summary's `root_group.checks`. */
export interface CheckOutcome {
  name: string;
  passed: boolean;
}

export interface ScenarioInfo {
  name: string;
  executor: string;
  /** ms since the epoch at which the scenario started. */
  startTime: number;
}

export interface WorkerSetup {
  vuId: number;
  scriptUrl: string;
  scriptDir: string;
  env: Record<string, string>;
  /** Set up data (JSON) for VUs made after setup(); undefined for the init/setup VU. */
  setupData?: unknown;
  syncPort: MessagePort;
  signal: SharedArrayBuffer;
}

export type ToWorker =
  | { type: 'setup' }
  | { type: 'teardown'; data: unknown }
  | { type: 'summary'; data: unknown }
  | {
      type: 'iterate';
      exec: string;
      scenario: ScenarioInfo;
      iterationInTest: number;
      iterationInScenario: number;
    };

export type FromWorker =
  | { type: 'ready'; options: unknown; exports: string[]; metrics: { name: string; type: MetricType; contains: 'time' | 'default' }[] }
  | { type: 'done'; result?: unknown; samples: MetricSample[]; checks: CheckOutcome[]; error?: string; abort?: string };

/** An HTTP request a VU hands to the main thread, which makes it with fetch. */
export interface HttpRequestMessage {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  timeoutMs: number;
  redirects: number;
}

export interface HttpResponseMessage {
  status: number;
  url: string;
  body: string;
  headers: Record<string, string>;
  durationMs: number;
  /** Set when no response arrived (connection refused, timeout). */
  error?: string;
  errorCode?: number;
}
