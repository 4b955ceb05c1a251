/**
 * The Lua scripts of the Redis queue store: one atomic operation per `lua/<name>-<keys>.lua`
 * file, shared pieces in `lua/includes/` pulled in by a `--@include "name"` line. Registered with
 * ioredis `defineCommand`, so calls go by EVALSHA (ioredis falls back to EVAL after a NOSCRIPT).
 *
 * Every script starts with a `#!lua` line (Redis 7 script flags): on a Cluster, Redis then
 * refuses any key outside the slot of the script's KEYS, and read-only scripts declare
 * `flags=no-writes` so a write slipping into them fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster, Redis } from 'ioredis';
import type { EventKeyName } from './queue-keys.js';

/** Next to this module, in the sources and in `dist/` alike (the build copies the `.lua` files). */
export const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));
export const LUA_INCLUDES_DIR = join(LUA_DIR, 'includes');

/**
 * Every script and the keys it takes, in KEYS order; the file is `<name>-<keys.length>.lua` and its
 * header lists the same names. `rl` is the rate-limit counter, the only key not of an event.
 */
export const SCRIPT_KEYS = {
  configure: ['cfg', 'seq'],
  enter: ['cfg', 'seq', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
  poll: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
  'save-token': ['cfg', 'sess', 'tok'],
  exit: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
  verify: ['cfg', 'sess', 'done'],
  promote: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'stats', 'log'],
  sweep: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
  stats: ['wait', 'active', 'stats'],
  'rate-buckets': ['cfg', 'stats'],
  'set-rate': ['cfg', 'stats'],
  drop: ['cfg', 'seq', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats'],
  hit: ['rl'],
} as const satisfies Record<string, readonly (EventKeyName | 'rl')[]>;

export type ScriptName = keyof typeof SCRIPT_KEYS;
export const SCRIPT_NAMES = Object.keys(SCRIPT_KEYS) as ScriptName[];

/** Scripts that take only keys of one event (all but `hit`). */
export type EventScriptName = {
  [N in ScriptName]: (typeof SCRIPT_KEYS)[N][number] extends EventKeyName ? N : never;
}[ScriptName];

export interface LoadedScript {
  name: ScriptName;
  fileName: string;
  numberOfKeys: number;
  /** The source with every include expanded. */
  lua: string;
}

export function scriptFileName(name: ScriptName): string {
  return `${name}-${SCRIPT_KEYS[name].length}.lua`;
}

/**
 * Replaces each `--@include "name"` line by `includes/name.lua`, itself expanded. An include
 * already expanded earlier in the script is not repeated (its local functions are in scope
 * already); a cycle is an error.
 */
export function expandIncludes(
  source: string,
  readInclude: (name: string) => string,
  included: Set<string> = new Set(),
  chain: readonly string[] = [],
): string {
  return source.replace(/^--@include "([\w-]+)"[ \t]*$/gm, (_line, name: string) => {
    if (chain.includes(name)) throw new Error(`Lua include cycle: ${[...chain, name].join(' -> ')}`);
    if (included.has(name)) return `-- (include "${name}" expanded above)`;
    included.add(name);
    return expandIncludes(readInclude(name), readInclude, included, [...chain, name]).trimEnd();
  });
}

export function readIncludeFile(name: string): string {
  return readFileSync(join(LUA_INCLUDES_DIR, `${name}.lua`), 'utf8');
}

export function loadScript(name: ScriptName): LoadedScript {
  const fileName = scriptFileName(name);
  const source = readFileSync(join(LUA_DIR, fileName), 'utf8');
  return { name, fileName, numberOfKeys: SCRIPT_KEYS[name].length, lua: expandIncludes(source, readIncludeFile) };
}

let loaded: readonly LoadedScript[] | undefined;

/** Every script, read once per process. */
export function loadScripts(): readonly LoadedScript[] {
  loaded ??= SCRIPT_NAMES.map(loadScript);
  return loaded;
}

/** The ioredis command a script is registered as (prefixed so it never shadows a client method). */
export function commandName(name: ScriptName): string {
  return `foyer:${name}`;
}

const defined = new WeakSet<Redis | Cluster>();

export function defineScripts(redis: Redis | Cluster): void {
  if (defined.has(redis)) return;
  for (const script of loadScripts()) {
    redis.defineCommand(commandName(script.name), { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  defined.add(redis);
}

export type ScriptArg = string | number;
type ScriptCommand = (...keysAndArgs: ScriptArg[]) => Promise<unknown>;

/** Runs a script by EVALSHA; `keys` must be in the order of `SCRIPT_KEYS[name]`. */
export function runScript(
  redis: Redis | Cluster,
  name: ScriptName,
  keys: readonly string[],
  args: readonly ScriptArg[],
): Promise<unknown> {
  defineScripts(redis);
  const command = (redis as unknown as Record<string, ScriptCommand>)[commandName(name)];
  return command.apply(redis, [...keys, ...args]);
}
