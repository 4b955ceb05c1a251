/**
 * The Lua scripts themselves: every file loads and compiles (broken Lua fails here, not in
 * production), every header says what the script takes and answers, and every call of an event
 * stays in the event's Cluster slot — checked by hashing the keys each call sends and, when a
 * `redis-server` binary is at hand, by running every operation against a real one-node Cluster.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type Cluster, type Command } from 'ioredis';
import { EVENT_STATUSES, admits, refusesEntry, type EnterResult, type Place, type QueueStore } from '@foyer/domain';
import { createRedis, whenReady } from '../libs/queue-store/src/redis/redis-connection.js';
import { RedisQueueStore } from '../libs/queue-store/src/redis/redis-queue.store.js';
import { REPLY } from '../libs/queue-store/src/redis/script-replies.js';
import {
  LUA_DIR,
  LUA_INCLUDES_DIR,
  SCRIPT_KEYS,
  SCRIPT_NAMES,
  expandIncludes,
  loadScripts,
  readIncludeFile,
  scriptFileName,
} from '../libs/queue-store/src/redis/scripts.js';
import { deleteKeys, freePort } from './support/services.js';
import { configureOrBuild } from '../libs/queue-store/src/new-event.js';

// ioredis's own slot function (a dependency of ioredis), the one a Cluster client routes by.
const keySlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

const REDIS_URL = 'redis://127.0.0.1:6379/0';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const source = (file: string) => readFileSync(join(LUA_DIR, file), 'utf8');
const includeSource = (name: string) => readFileSync(join(LUA_INCLUDES_DIR, `${name}.lua`), 'utf8');
const includeNames = () =>
  readdirSync(LUA_INCLUDES_DIR)
    .filter((file) => file.endsWith('.lua'))
    .map((file) => file.slice(0, -'.lua'.length));

/** The leading `--[[ … ]]` comment of a Lua file (after the `#!lua` line of a script). */
function header(lua: string): string {
  const match = /^(?:#!lua[^\n]*\n)?--\[\[([\s\S]*?)\]\]/.exec(lua);
  if (!match) throw new Error('no header comment');
  return match[1];
}

describe('Lua script files', () => {
  it('are exactly one <name>-<number of keys>.lua per script', () => {
    const files = readdirSync(LUA_DIR).filter((file) => file.endsWith('.lua'));
    expect(files.sort()).toEqual(SCRIPT_NAMES.map(scriptFileName).sort());
  });

  it.each(SCRIPT_NAMES)('%s: the header lists its KEYS in order, every ARGV it reads, and what it returns', (name) => {
    const lua = source(scriptFileName(name));
    const head = header(lua);
    const body = lua.slice(lua.indexOf(']]') + 2);

    const listedKeys = [...head.matchAll(/^\s*KEYS\[(\d+)\]\s+(\w+)/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(listedKeys).toEqual(SCRIPT_KEYS[name].map((key, i) => [i + 1, key]));

    const listedArgs = new Set([...head.matchAll(/^\s*ARGV\[(\d+)(?:\.\.\w+)?\]/gm)].map((m) => Number(m[1])));
    const readArgs = new Set([...body.matchAll(/ARGV\[(\d+)\]/g)].map((m) => Number(m[1])));
    for (const arg of readArgs) expect(listedArgs).toContain(arg);
    expect(head).toMatch(/^\s*Returns:/m);
  });

  it.each(SCRIPT_NAMES)('%s: starts with #!lua, so Redis 7 enforces its flags and, on a Cluster, its slot', (name) => {
    const firstLine = source(scriptFileName(name)).split('\n')[0];
    expect(firstLine).toMatch(/^#!lua( flags=no-writes)?$/);
  });

  it('have no KEYS/SCAN/FLUSH, no key built inside Lua, and time only from the clock include', () => {
    const sources = [...SCRIPT_NAMES.map((name) => source(scriptFileName(name))), ...includeNames().map(includeSource)];
    for (const lua of sources) {
      expect(lua).not.toMatch(/redis\.call\(\s*'(KEYS|SCAN|FLUSHALL|FLUSHDB)'/i);
      // A key is KEYS[n] or a field of the script's key table, never text joined to one.
      expect(lua).not.toMatch(/(KEYS\[\d+\]|\bev\.\w+)\s*\.\./);
      expect(lua).not.toMatch(/\.\.\s*(KEYS\[\d+\]|\bev\.\w+)/);
    }
    const timeCallers = sources.filter((lua) => lua.includes("redis.call('TIME')"));
    expect(timeCallers).toEqual([includeSource('clock')]);
  });

  it('use only includes that exist, and every include is used and has a header', () => {
    const used = new Set<string>();
    for (const lua of [...SCRIPT_NAMES.map((name) => source(scriptFileName(name))), ...includeNames().map(includeSource)]) {
      for (const match of lua.matchAll(/^--@include "([\w-]+)"/gm)) used.add(match[1]);
    }
    expect([...used].sort()).toEqual(includeNames().sort());
    for (const name of includeNames()) expect(header(includeSource(name)).trim().length).toBeGreaterThan(0);
  });

  it('reply codes in replies.lua are the ones script-replies.ts decodes', () => {
    const lua = includeSource('replies');
    const codes = Object.fromEntries([...lua.matchAll(/^\s*(\w+) = (\d+),/gm)].map((m) => [m[1], Number(m[2])]));
    expect(codes).toEqual(REPLY);
  });
});

describe('Lua scripts on Redis', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await redis.quit();
  });

  it.each(SCRIPT_NAMES)('%s compiles, with every include expanded', async (name) => {
    const script = loadScripts().find((loaded) => loaded.name === name)!;
    // SCRIPT LOAD compiles without running: a syntax error is refused here.
    expect(await redis.script('LOAD', script.lua)).toBe(sha1(script.lua));
  });

  it("event-status.lua's rules answer as the domain's, which the memory store calls", async () => {
    const lua = expandIncludes('--@include "event-status"\nreturn { refusesEntry(ARGV[1]) and 1 or 0, admits(ARGV[1]) and 1 or 0 }', readIncludeFile);
    for (const status of EVENT_STATUSES) {
      const [refuses, admitsNow] = (await redis.eval(lua, 0, status)) as [number, number];
      expect({ status, refusesEntry: refuses === 1, admits: admitsNow === 1 }).toEqual({
        status,
        refusesEntry: refusesEntry(status),
        admits: admits(status),
      });
    }
  });
});

/** Calls every store operation on one event, checking a few answers on the way. */
async function exerciseEveryOperation(store: QueueStore, eventId: string): Promise<void> {
  const placed = (result: EnterResult): Place => {
    if (result.outcome !== 'PLACED') throw new Error(`expected a place, got ${JSON.stringify(result)}`);
    return result.state.place;
  };
  const config = {
    eventId,
    status: 'OPEN',
    limitCnt: 1,
    sessionTtlMs: 60_000,
    waitTimeoutMs: 60_000,
    pollRefusalMs: 0,
    blockReentry: false,
    version: 1,
  } as const;
  // Built as a rebuild builds it: one ended session restored, numbering from 10, 1..10 lost.
  expect(await store.beginRebuild(eventId, 'holder', 10_000)).toBe('BEGUN');
  expect(await store.restoreChunk(eventId, 'holder', 10_000, { waiting: [], sessions: [], done: [['gone', 1, 'X']], idem: [] })).toBe(true);
  const totals = { admittedTotal: 0, exitedTotal: 0, expiredTotal: 0, abandonedTotal: 0 };
  expect(await store.finishRebuild(eventId, 'holder', { config, epoch: 'ep', seq: 10, closedSeq: 0, lost: [[1, 10]], totals })).toBe(true);
  expect(await configureOrBuild(store, config)).toBeUndefined();
  expect(await store.configVersion(eventId)).toBe(1);
  expect(await store.reregisterSession({ eventId, id: 'gone', seq: 1, epoch: 'ep' }, 0, Date.now() + 60_000)).toBe(false);
  const a = placed(await store.enter(eventId, 'a'));
  const b = placed(await store.enter(eventId, 'b'));
  expect(await store.poll(b)).toMatchObject({ outcome: 'STATE', state: { status: 'WAIT', rank: 1 } }); // heartbeat
  expect(await store.poll(a)).toMatchObject({ outcome: 'STATE', state: { status: 'ENTER' } }); // heartbeat, then poll
  expect(await store.saveSuccessToken(a, 'token-a')).toBe('token-a');
  expect(await store.verify(a)).toMatchObject({ valid: true });
  expect(await store.exit(a)).toEqual({ outcome: 'EXITED', admitted: 1 });
  expect(await store.promote(eventId, 10)).toEqual({ admitted: 0, abandoned: 0 });
  expect(await store.sweep(eventId, 10)).toEqual({ expired: 0, abandoned: 0, removed: 0 });
  expect(await store.refreshRate(eventId)).toBeGreaterThan(0);
  expect(await store.stats(eventId)).toMatchObject({ active: 1, admittedTotal: 2, exitedTotal: 1 });
  expect(await store.hit(`client-${eventId}`, 5, 60_000)).toMatchObject({ allowed: true });
  const journal = await store.readJournal(eventId, 100);
  expect(journal.map((entry) => entry.type)).toEqual(['queue.configured', 'queue.configured', 'user.admitted', 'user.entered', 'user.exited', 'user.admitted']);
  expect(await store.journalBacklog(eventId)).toMatchObject({ pending: 6 });
  await store.ackJournal(
    eventId,
    journal.map((entry) => entry.entryId),
  );
  await store.dropEvent(eventId);
  await store.dropJournal(eventId);
  expect(await store.configVersion(eventId)).toBeNull();
}

describe('Cluster slots', () => {
  let prefix: string;
  let redis: Redis;

  beforeEach(() => {
    prefix = `test:${randomBytes(6).toString('hex')}:`;
    redis = new Redis(REDIS_URL);
  });

  afterEach(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('every call for one event sends keys of one slot only, the slot of {eventId}', async () => {
    const sent: Command[] = [];
    const sendCommand = redis.sendCommand.bind(redis);
    redis.sendCommand = (command, stream) => {
      sent.push(command);
      return sendCommand(command, stream);
    };
    const eventId = `slot-${randomUUID()}`;
    await exerciseEveryOperation(new RedisQueueStore(redis, { keyPrefix: prefix }), eventId);

    const eventSlot = keySlot(`{${eventId}}`);
    const rateLimitKey = `${prefix}rl:client-${eventId}`;
    const keyed = sent.filter((command) => command.getKeys().length > 0);
    expect(keyed.length).toBeGreaterThan(SCRIPT_NAMES.length);
    for (const command of keyed) {
      const keys = command.getKeys().map(String);
      if (keys.includes(rateLimitKey)) {
        expect(keys).toEqual([rateLimitKey]);
        continue;
      }
      expect({ command: command.name, slots: keys.map(keySlot) }).toEqual({
        command: command.name,
        slots: keys.map(() => eventSlot),
      });
    }

    // Every script took part (by EVALSHA, or EVAL the first time a script was unknown).
    const shas = new Set(sent.filter((command) => command.name === 'evalsha').map((command) => String(command.args[0])));
    const evaluated = new Set(sent.filter((command) => command.name === 'eval').map((command) => sha1(String(command.args[0]))));
    for (const script of loadScripts()) {
      expect({ script: script.name, ran: shas.has(sha1(script.lua)) || evaluated.has(sha1(script.lua)) }).toEqual({
        script: script.name,
        ran: true,
      });
    }
  });
});

/** A throwaway one-node Redis Cluster (all 16384 slots), when the redis-server binary is here. */
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const describeWithCluster = hasRedisServer ? describe : describe.skip;

describeWithCluster('on a real Redis Cluster (one node)', () => {
  let server: ChildProcess;
  let dir: string;
  let port: number;
  let cluster: Redis | Cluster;

  beforeAll(async () => {
    port = await freePort();

    dir = mkdtempSync(join(tmpdir(), 'foyer-cluster-'));
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-announce-ip',
        '127.0.0.1',
        '--cluster-config-file',
        join(dir, 'nodes.conf'),
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
    const admin = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50 });
    admin.on('error', () => undefined); // refused until the server listens
    await whenReady(admin);
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (let i = 0; i < 200 && !String(await admin.call('CLUSTER', 'INFO')).includes('cluster_state:ok'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await admin.quit();

    cluster = createRedis({ clusterNodes: [{ host: '127.0.0.1', port }], profile: 'worker', name: 'foyer-cluster-test' });
    await whenReady(cluster);
  }, 30_000);

  afterAll(async () => {
    if (cluster) await cluster.quit();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a #!lua script that touches a key outside the slot of its KEYS (the guard is real)', async () => {
    const escape = "#!lua\nreturn redis.call('GET', KEYS[1] .. 'elsewhere')";
    expect(keySlot('foyer-probe')).not.toBe(keySlot('foyer-probeelsewhere'));
    await expect(cluster.eval(escape, 1, 'foyer-probe')).rejects.toThrow(/slot/i);
  });

  it('runs every operation of one event', async () => {
    await exerciseEveryOperation(new RedisQueueStore(cluster, { keyPrefix: 'foyer:' }), `cluster-${randomUUID()}`);
  });
});
