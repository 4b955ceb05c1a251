/**
 * One VU: a worker thread that imports its own copy of the compiled script (init context), then
 * runs what the main thread asks — setup, iterations of an exported function, teardown,
 * handleSummary — one at a time, answering each with the samples it recorded.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.js';
import { addSample, declaredMetrics, takeRecorded, TestAbort, vu } from './modules/vu-runtime.js';

type ScriptModule = Record<string, unknown> & { options?: unknown };

const setup = workerData as WorkerSetup;
const globals = globalThis as Record<string, unknown>;
globals.__ENV = { ...setup.env };
globals.__VU = setup.vuId;
globals.__ITER = 0;
// k6's init-context open(): a file relative to the script.
globals.open = (path: string, mode?: 'b') => {
  const file = isAbsolute(path) ? path : join(setup.scriptDir, path);
  return mode === 'b' ? readFileSync(file).buffer : readFileSync(file, 'utf8');
};

const port = parentPort!;
const script = (await import(setup.scriptUrl)) as ScriptModule;
takeRecorded(); // samples of the init context are not part of any iteration

port.postMessage({
  type: 'ready',
  options: script.options === undefined ? {} : JSON.parse(JSON.stringify(script.options)),
  exports: Object.keys(script),
  metrics: [...declaredMetrics].map(([name, d]) => ({ name, ...d })),
} satisfies FromWorker);

port.on('message', (message: ToWorker) => {
  let result: unknown;
  let error: string | undefined;
  let abort: string | undefined;
  try {
    result = run(message);
  } catch (err) {
    if (err instanceof TestAbort) abort = err.message;
    else error = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  port.postMessage({ type: 'done', result, error, abort, ...takeRecorded() } satisfies FromWorker);
});

function run(message: ToWorker): unknown {
  switch (message.type) {
    case 'setup':
      return json(callExport('setup'));
    case 'teardown':
      callExport('teardown', message.data);
      return undefined;
    case 'summary':
      return callExport('handleSummary', message.data);
    case 'iterate': {
      vu.scenario = message.scenario;
      vu.iterationInInstance += 1;
      vu.iterationInScenario = message.iterationInScenario;
      vu.iterationInTest = message.iterationInTest;
      vu.tags = { scenario: message.scenario.name };
      globals.__ITER = vu.iterationInInstance;
      const fn = message.exec === 'default' ? script.default : script[message.exec];
      if (typeof fn !== 'function') throw new Error(`the script exports no function '${message.exec}'`);
      const started = performance.now();
      try {
        (fn as (data: unknown) => unknown)(setup.setupData);
      } finally {
        // k6 counts an iteration that threw as well; the error is reported beside it.
        vu.tags = { scenario: message.scenario.name };
        addSample('iterations', 'counter', 'default', 1);
        addSample('iteration_duration', 'trend', 'time', performance.now() - started);
      }
      return undefined;
    }
  }
}

function callExport(name: string, ...args: unknown[]): unknown {
  const fn = script[name];
  return typeof fn === 'function' ? (fn as (...a: unknown[]) => unknown)(...args) : undefined;
}

/** Data crosses VUs as JSON in k6 as well (setup data is copied into every VU). */
function json(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
