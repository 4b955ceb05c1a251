/**
 * The Lua scripts of the Redis queue store: one atomic operation per `lua/<name>-<keys>.lua`
 * file, shared pieces in `lua/includes/` pulled in by a `--@include "name"` line. Calls go by
 * EVALSHA, falling back to EVAL once when the server does not know the script (NOSCRIPT).
 *
 * Every script starts with a `#!lua` line (Redis 7 script flags): on a Cluster, Redis then
 * refuses any key outside the slot of the script's KEYS, and read-only scripts declare
 * `flags=no-writes` so a write slipping into them fails.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, type Cluster, type Redis } from 'ioredis';
import type { EventKeyName } from './queue-keys.js';

/** Next to this module, in the sources and in `dist/` alike (the build copies the `.lua` files). */
export const LUA_DIR = fileURLToPath(new URL('./lua/', import.meta.url));
export const LUA_INCLUDES_DIR = join(LUA_DIR, 'includes');

/**
 * Every script and the keys it takes, in KEYS order; the file is `<name>-<keys.length>.lua` and its
 * header lists the same names. `rl` is the rate-limit counter, the only key not of an event.
 */
export const SCRIPT_KEYS = {
  configure: ['cfg', 'seq', 'log'],
  enter: ['cfg', 'seq', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log', 'idem'],
  heartbeat: ['cfg', 'wait', 'seen'],
  poll: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
  'save-token': ['cfg', 'sess', 'tok'],
  exit: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
  verify: ['cfg', 'sess', 'done'],
  promote: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'stats', 'log'],
  sweep: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
  stats: ['wait', 'active', 'stats'],
  'rate-buckets': ['cfg', 'stats'],
  'set-rate': ['cfg', 'stats'],
  drop: ['cfg', 'seq', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'idem'],
  backlog: ['log'],
  'begin-rebuild': ['lock', 'cfg', 'seq', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'idem'],
  restore: ['lock', 'cfg', 'wait', 'seen', 'active', 'sess', 'done', 'idem'],
  'finish-rebuild': ['lock', 'cfg', 'seq', 'stats', 'log'],
  reregister: ['cfg', 'wait', 'seen', 'active', 'sess', 'tok', 'done', 'stats', 'log'],
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
  /** SHA-1 of `lua`: what EVALSHA names it by. */
  sha: string;
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
  return { name, fileName, numberOfKeys: SCRIPT_KEYS[name].length, ...luaScript(expandIncludes(source, readIncludeFile)) };
}

let loaded: readonly LoadedScript[] | undefined;

/** Every script, read once per process. */
export function loadScripts(): readonly LoadedScript[] {
  loaded ??= SCRIPT_NAMES.map(loadScript);
  return loaded;
}

let byName: ReadonlyMap<ScriptName, LoadedScript> | undefined;

function script(name: ScriptName): LoadedScript {
  byName ??= new Map(loadScripts().map((loaded) => [loaded.name, loaded]));
  return byName.get(name)!;
}

export type ScriptArg = string | number;

/** Runs one of the store's scripts; `keys` must be in the order of `SCRIPT_KEYS[name]`. */
export function runScript(redis: Redis | Cluster, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  return evalScript(redis, script(name), keys, args);
}

/** A Lua source and its SHA-1 (what EVALSHA names it by). */
export function luaScript(lua: string): Pick<LoadedScript, 'lua' | 'sha'> {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/**
 * Runs `script` by EVALSHA, the command built from one argument list (ioredis's `defineCommand`
 * copies the arguments three times and wraps each call in two more promises: a measurable share
 * of a poll). A server that does not know the script (first use, a restart, SCRIPT FLUSH, a
 * failover) answers NOSCRIPT and is sent the source by EVAL, which also caches it there.
 */
export function evalScript(
  redis: Redis | Cluster,
  script: Pick<LoadedScript, 'lua' | 'sha'>,
  keys: readonly string[],
  args: readonly ScriptArg[],
): Promise<unknown> {
  const argv: ScriptArg[] = [script.sha, keys.length, ...keys, ...args];
  return send(redis, 'evalsha', argv).catch((err: unknown) => {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    argv[0] = script.lua;
    return send(redis, 'eval', argv);
  });
}

function send(redis: Redis | Cluster, name: 'evalsha' | 'eval', argv: ScriptArg[]): Promise<unknown> {
  const command = new Command(name, argv, { replyEncoding: 'utf8' });
  void redis.sendCommand(command);
  return command.promise;
}
