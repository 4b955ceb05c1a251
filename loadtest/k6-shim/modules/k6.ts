/** The shim's `k6` module: check, sleep, group, fail (https://grafana.com/docs/k6/latest/javascript-api/k6/). */
import { addCheck, addSample, sleepMs, vu } from './vu-runtime.js';

// Each check is a function of the value or, as k6 allows, a plain value taken for its truth.
export function check<T>(value: T, sets: Record<string, unknown>, tags?: Record<string, unknown>): boolean {
  let all = true;
  for (const [name, checker] of Object.entries(sets)) {
    const passed = Boolean(typeof checker === 'function' ? (checker as (v: T) => unknown)(value) : checker);
    addSample('checks', 'rate', 'default', passed ? 1 : 0, { ...tags, check: name });
    addCheck({ name, passed });
    all &&= passed;
  }
  return all;
}

export function sleep(seconds: number): void {
  sleepMs(seconds * 1000);
}

export function group<T>(name: string, fn: () => T): T {
  const outer = vu.tags.group;
  vu.tags.group = `${outer ?? ''}::${name}`;
  try {
    return fn();
  } finally {
    if (outer === undefined) delete vu.tags.group;
    else vu.tags.group = outer;
  }
}

export function fail(message?: string): never {
  throw new Error(message ?? 'fail()');
}

export default { check, sleep, group, fail };
