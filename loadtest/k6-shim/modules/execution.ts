/** The shim's `k6/execution`: the parts of https://grafana.com/docs/k6/latest/javascript-api/k6-execution/ scripts use most. */
import { TestAbort, vu } from './vu-runtime.js';

function scenario() {
  if (!vu.scenario) throw new Error('exec.scenario is only available inside an iteration');
  return vu.scenario;
}

const execution = {
  vu: {
    get idInTest() {
      return vu.idInTest;
    },
    get idInInstance() {
      return vu.idInTest;
    },
    get iterationInInstance() {
      return vu.iterationInInstance;
    },
    get iterationInScenario() {
      return vu.iterationInScenario;
    },
    get tags() {
      return vu.tags;
    },
  },
  scenario: {
    get name() {
      return scenario().name;
    },
    get executor() {
      return scenario().executor;
    },
    get startTime() {
      return scenario().startTime;
    },
    get iterationInTest() {
      return vu.iterationInTest;
    },
    get iterationInInstance() {
      return vu.iterationInTest;
    },
  },
  test: {
    abort(message?: string): never {
      throw new TestAbort(message ?? 'test aborted');
    },
  },
};

export default execution;
