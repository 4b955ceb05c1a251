import { AutocannonLoadGenerator } from './autocannon.js';
import type { LoadGenerator } from './load-generator.js';
import { installedWrk, WrkLoadGenerator } from './wrk.js';

/** wrk when it is installed (DESIGN.md's load), else autocannon; `forced` overrides. */
export function chooseLoadGenerator(forced: 'wrk' | 'autocannon' | null): LoadGenerator {
  const wrk = installedWrk();
  if (forced === 'wrk' && wrk === null) throw new Error('--load-generator wrk: wrk is not installed');
  if (forced !== 'autocannon' && wrk !== null) return new WrkLoadGenerator(wrk);
  return new AutocannonLoadGenerator(forced === 'autocannon' ? 'chosen with --load-generator' : 'wrk not found');
}
