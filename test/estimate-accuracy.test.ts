/**
 * The estimate a waiter is told at entry, against the wait they had: the benchmark's simulation
 * (real memory store, real scheduler tick, real estimate, fake clock, seeded draws) run in full,
 * held to the targets. The benchmark prints the same figures into BENCHMARKS.md.
 */
import { jest } from '@jest/globals';
import { ESTIMATE_SCENARIOS, ESTIMATE_TARGETS, simulateEstimateAccuracy } from '../loadtest/bench/measure/estimate-accuracy.js';

jest.setTimeout(120_000);

describe('estimate accuracy', () => {
  it.each(ESTIMATE_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s: meets its target', async (name, scenario) => {
    const result = await simulateEstimateAccuracy(scenario);
    console.log(
      `${name}: ${result.arrivals} arrivals, ${result.waited} waited, ${result.measured} admitted and measured; ` +
        `median error ${(result.medianError * 100).toFixed(1)} %, P90 ${(result.p90Error * 100).toFixed(1)} %, ` +
        `inside P25–P75 ${(result.insideMiddleHalf * 100).toFixed(0)} %, median wait ${result.medianWaitSeconds.toFixed(0)} s`,
    );
    expect(result.measured).toBeGreaterThan(500);
    expect(result.medianError).toBeLessThanOrEqual(ESTIMATE_TARGETS[name]);
    // The old rule's failure: a first admission spread over a minute told early waiters many times their wait.
    expect(result.p90Error).toBeLessThan(1);
  });
});
