import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadAt, type BenchContext } from '../bench-context.js';
import type { LoadRequest, LoadResult } from '../load/load-generator.js';
import { ROOT, type BenchProcess } from '../processes.js';

/** The parts of a V8 `.cpuprofile` this reads. */
export interface CpuProfile {
  /** Microseconds on the system's monotonic clock (the one `process.hrtime` reads), as are the deltas. */
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** CPU time per request answered, in µs, of one part of the code. */
export interface ProfileCost {
  name: string;
  micros: number;
}

export interface ProfileFigures {
  /** What ran under which load, e.g. `Foyer poll`. */
  name: string;
  file: string;
  load: LoadResult;
  /** Busy (non-idle) CPU time of the process per request answered, in µs. */
  cpuMicrosPerRequest: number;
  /** Share of the profiled span the process was not idle. */
  busyShare: number;
  /** Self time by where the code comes from: a package, Node's internals, Foyer's libs, GC. */
  byArea: ProfileCost[];
  /** Self time by function, the hottest first. */
  topFunctions: ProfileCost[];
  /** Time with each probe's frames on the stack (inclusive): the costs the issue names. */
  inclusive: ProfileCost[];
}

/** Stack frames that stand for the per-request costs to look at, and how to recognise them. */
const INCLUSIVE_PROBES: { name: string; match: (fn: string, url: string) => boolean }[] = [
  { name: 'fastify (routing, hooks, reply)', match: (_f, u) => u.includes('/node_modules/fastify/') },
  { name: 'Nest pipeline (router, guards, interceptors, pipes)', match: (_f, u) => u.includes('/@nestjs/core/router/') },
  { name: 'validation (class-validator, class-transformer)', match: (_f, u) => /\/class-(validator|transformer)\//.test(u) },
  { name: 'tickets: MAC check and issue (TicketCodec)', match: (_f, u) => u.includes('/libs/tokens/src/ticket.js') },
  { name: 'Redis client (ioredis)', match: (_f, u) => u.includes('/node_modules/ioredis/') },
  { name: 'metrics (prom-client)', match: (_f, u) => u.includes('/node_modules/prom-client/') },
  { name: 'JSON serialisation', match: (f, u) => f === 'stringify' || f === 'serialize' || u.includes('fast-json-stringify') },
  { name: 'answer mapping (toQueueState)', match: (_f, u) => u.includes('/place/queue-state.mapper.js') },
];

/** A request being served: the span of the profile that counts runs from the first such sample to the last. */
const SERVING = (url: string) => url.includes('/node_modules/fastify/lib/handle-request.js');
/** Native socket writes (loopback TCP sends happen inside these calls): paid by Foyer and floor alike. */
const SOCKET_WRITES = new Set(['writev', 'writeUtf8String', 'writeLatin1String', 'writeBuffer', 'writeAsciiString']);

/**
 * Runs `request` against a process started (by `start`) with `--cpu-prof`, and reads the profile
 * the process writes when it stops: what each request costs it, and where.
 */
export async function profileUnderLoad(
  ctx: BenchContext,
  options: { name: string; start(nodeArgs: string[]): Promise<BenchProcess>; request(url: string): LoadRequest },
): Promise<ProfileFigures> {
  const dir = ctx.file(`cpu-profile-${options.name.toLowerCase().replace(/\W+/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  const target = ctx.track(await options.start(['--cpu-prof', '--cpu-prof-dir', dir]));
  let load: LoadResult;
  let window: { from: number; to: number };
  try {
    await loadAt(ctx, options.request(target.url), Math.max(1, ctx.plan.warmupSeconds));
    const from = monotonicMicros();
    load = await loadAt(ctx, options.request(target.url), ctx.plan.profileSeconds);
    window = { from, to: monotonicMicros() };
  } finally {
    await target.stop();
  }
  // A profile of error answers measures the wrong path: say so rather than report its figures.
  if (load.non2xx > 0) throw new Error(`${load.non2xx} of ${load.requests} answers under the profiled load were not 2xx`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`${target.name} wrote no .cpuprofile into ${dir}:\n${target.output().slice(-2000)}`);
  const written = join(dir, files[0]);
  const profile = JSON.parse(readFileSync(written, 'utf8')) as CpuProfile;
  return { name: options.name, file: keep(ctx, written, options.name), load, ...summarise(profile, load.requests, window) };
}

/** The clock of a V8 CPU profile's timestamps: CLOCK_MONOTONIC in µs, the same in every process. */
function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** A full run keeps its profiles in loadtest/results/ (git-ignored), for DevTools or speedscope; a smoke run does not. */
function keep(ctx: BenchContext, written: string, name: string): string {
  if (ctx.plan.mode !== 'full') return written;
  const dir = join(ROOT, 'loadtest', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const kept = join(dir, `${stamp}-${name.toLowerCase().replace(/\W+/g, '-')}.cpuprofile`);
  copyFileSync(written, kept);
  return relative(ROOT, kept);
}

/**
 * Self and inclusive time per request of the samples taken while the measured load ran (`window`,
 * on the profile's clock): the profile covers the process's whole life, and neither its boot nor
 * the warm-up (the first requests load code lazily: the database client, compiled serialisers) is
 * what a request costs. Without a window: from the first request served to the last.
 */
export function summarise(profile: CpuProfile, requests: number, window?: { from: number; to: number }): Omit<ProfileFigures, 'name' | 'file' | 'load'> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stacks = new Map<number, { functionName: string; url: string }[]>();
  const stackOf = (id: number) => {
    let frames = stacks.get(id);
    if (!frames) {
      frames = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at)!.callFrame);
      stacks.set(id, frames);
    }
    return frames;
  };
  let from: number;
  let to: number;
  if (window) {
    const at: number[] = [];
    let time = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) at.push((time += profile.timeDeltas[i] ?? 0));
    from = at.findIndex((t) => t >= window.from);
    to = at.length - 1;
    while (to > from && at[to] > window.to) to--;
  } else {
    const serving = (id: number) => stackOf(id).some((f) => SERVING(f.url));
    from = profile.samples.findIndex(serving);
    to = profile.samples.length - 1;
    while (to > from && !serving(profile.samples[to])) to--;
  }
  if (from < 0) from = 0;

  const area = new Map<string, number>();
  const fn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let total = 0;
  for (let i = from; i <= to; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    total += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += delta;
    add(area, areaOf(functionName, url), delta);
    add(fn, `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`, delta);
    const onStack = new Set<string>();
    for (const frame of stackOf(node.id)) {
      for (const probe of INCLUSIVE_PROBES) if (probe.match(frame.functionName, frame.url)) onStack.add(probe.name);
    }
    for (const name of onStack) add(inclusive, name, delta);
  }
  const perRequest = (micros: number) => (requests > 0 ? micros / requests : 0);
  const costs = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).map(([name, micros]) => ({ name, micros: perRequest(micros) }));
  return {
    cpuMicrosPerRequest: perRequest(busy),
    busyShare: total > 0 ? busy / total : 0,
    byArea: costs(area),
    topFunctions: costs(fn).slice(0, 15),
    inclusive: INCLUSIVE_PROBES.map((probe) => ({ name: probe.name, micros: perRequest(inclusive.get(probe.name) ?? 0) })),
  };
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function areaOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8 / native (program)';
  if (url === '' && SOCKET_WRITES.has(functionName)) return 'socket writes (native; the TCP send)';
  if (url === '') return 'V8 builtins and native';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) {
    const parts = url.slice('node:'.length).split('/');
    return `node:${parts[0] === 'internal' ? (parts[1] ?? 'internal') : parts[0]}`;
  }
  const lib = /\/dist\/(libs|apps)\/([^/]+)\//.exec(url);
  if (lib) return lib[1] === 'libs' ? `@foyer/${lib[2]}` : `apps/${lib[2]}`;
  if (url.includes('/loadtest/bench/')) return 'floor server';
  return shortUrl(url);
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  const loadtest = url.indexOf('/loadtest/');
  if (loadtest >= 0) return url.slice(loadtest + 1);
  return url.replace(/^file:\/\//, '');
}
