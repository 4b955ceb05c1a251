/**
 * `npm run bench:replica-wait`: what `REDIS_WAIT_REPLICAS=1` costs an enter, and the ceiling of one
 * hot event (one event = one Cluster slot = one Redis master).
 *
 * Starts a Redis master with one replica of its own (two `redis-server`s on free ports, no
 * persistence) and two API processes on it, one with `REDIS_WAIT_REPLICAS=0` and one with `=1`,
 * and loads `POST /v1/queue/enter` (new ids, an event that admits nobody: every enter queues) on
 * each in alternating rounds. Then polls of a seeded line. For every round it also reads the
 * master's own CPU time (`INFO cpu`): Redis runs an event's scripts on one thread, so 1 s divided
 * by the Redis CPU one request costs is what one master — one event — can serve at most, however
 * many API processes feed it. Prints the figures; writes nothing.
 *
 * Needs `redis-server` on the PATH, PostgreSQL (or the embedded database), and `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, sleep } from '../../test/support/services.js';
import { createBacking } from './backing.js';
import { benchEvent, FoyerAdmin } from './foyer-admin.js';
import { chooseLoadGenerator } from './load/choose-load-generator.js';
import type { LoadRequest, LoadResult } from './load/load-generator.js';
import { startApi, type BenchProcess } from './processes.js';
import { compareAlternating, describe, median } from './rounds.js';
import { nextIdPrefix } from './measure/enter.js';
import { seedWaiters } from './seed.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ROUND_SECONDS = Number(process.env.ROUND_SECONDS ?? 6);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 64;
const POLL_QUEUE = 100_000;

interface RedisPair {
  masterUrl: string;
  master: Redis;
  stop(): Promise<void>;
}

/** A master and its replica, on free ports, stopped by their own handles. */
async function startRedisPair(): Promise<RedisPair> {
  const dir = mkdtempSync(join(tmpdir(), 'foyer-replica-wait-'));
  const [masterPort, replicaPort] = [await freePort(), await freePort()];
  const server = (port: number, extra: string[]): ChildProcess =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--repl-diskless-sync-delay', '0', ...extra],
      { stdio: 'ignore' },
    );
  const children = [server(masterPort, []), server(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)])];
  const master = new Redis({ port: masterPort, host: '127.0.0.1', retryStrategy: () => 100 });
  master.on('error', () => undefined);
  for (let i = 0; !/^slave0:.*state=online/m.test(await master.info('replication').catch(() => '')); i++) {
    if (i > 200) throw new Error('the replica did not come online');
    await sleep(50);
  }
  return {
    masterUrl: `redis://127.0.0.1:${masterPort}/0`,
    master,
    async stop() {
      master.disconnect();
      for (const child of children) {
        if (child.exitCode === null) {
          child.kill('SIGKILL');
          await once(child, 'exit');
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Seconds of CPU the Redis server has used (user + system). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Runs a load and the Redis CPU it cost per request (µs). */
function withRedisCpu(redis: Redis, cpuPerRequest: number[], run: () => Promise<LoadResult>): () => Promise<LoadResult> {
  return async () => {
    const before = await redisCpuSeconds(redis);
    const result = await run();
    const after = await redisCpuSeconds(redis);
    cpuPerRequest.push(((after - before) * 1e6) / Math.max(1, result.requests));
    return result;
  };
}

async function main(): Promise<void> {
  const load = chooseLoadGenerator(null);
  const pair = await startRedisPair();
  process.env.REDIS_URL = pair.masterUrl;
  const backing = await createBacking();
  const processes: BenchProcess[] = [];
  const log = (line: string) => console.log(line);
  try {
    log(`REDIS_WAIT_REPLICAS cost and one event's ceiling: ${cpus().length} × ${cpus()[0]?.model}, load ${loadavg()[0].toFixed(1)}, ${load.description}`);
    log(`${ROUNDS} alternating rounds of ${ROUND_SECONDS} s, ${CONNECTIONS} connections, Redis master + 1 replica on this machine`);
    const api = (wait: number) =>
      startApi({ name: `api (REDIS_WAIT_REPLICAS=${wait})`, env: { ...backing.env, FOYER_ROLES: 'api', REDIS_WAIT_REPLICAS: String(wait) } });
    const [noWait, withWait] = [await api(0), await api(1)];
    processes.push(noWait, withWait);
    const admin = new FoyerAdmin(noWait.url, backing.adminApiKey);
    await admin.createEvent(benchEvent('rw-enter'));

    const cpu: Record<string, number[]> = { 'wait 0': [], 'wait 1': [], poll: [] };
    const enterAt = (url: string): LoadRequest => ({ kind: 'enter', url: `${url}/v1/queue/enter`, eventId: 'rw-enter', idPrefix: nextIdPrefix() });
    const run = (request: () => LoadRequest, seconds: number) => load.run({ request: request(), connections: CONNECTIONS, durationSeconds: seconds });
    const enter = await compareAlternating(
      [
        { name: 'wait 0', run: (s) => withRedisCpu(pair.master, cpu['wait 0'], () => run(() => enterAt(noWait.url), s))() },
        { name: 'wait 1', run: (s) => withRedisCpu(pair.master, cpu['wait 1'], () => run(() => enterAt(withWait.url), s))() },
      ],
      { rounds: ROUNDS, seconds: ROUND_SECONDS, warmupSeconds: WARMUP_SECONDS, log },
    );

    await admin.createEvent(benchEvent('rw-poll'));
    const queue = await seedWaiters({
      redis: backing.redis,
      keyPrefix: backing.keyPrefix,
      ticketSecret: backing.ticketSecret,
      eventId: 'rw-poll',
      size: POLL_QUEUE,
    });
    const ticketsFile = queue.writeTickets(join(backing.dir, 'tickets.txt'), POLL_QUEUE);
    const poll = await compareAlternating(
      [
        {
          name: 'poll',
          run: (s) => withRedisCpu(pair.master, cpu.poll, () => run(() => ({ kind: 'poll', url: `${noWait.url}/v1/queue/status`, ticketsFile }), s))(),
        },
      ],
      { rounds: ROUNDS, seconds: ROUND_SECONDS, warmupSeconds: WARMUP_SECONDS, log },
    );
    // The warm-up rounds measured CPU too; only the counted rounds' figures are kept.
    for (const name of Object.keys(cpu)) cpu[name] = cpu[name].slice(-ROUNDS);

    const line = (name: string, result: LoadResult, cpuUs: number) =>
      `| ${name} | ${Math.round(result.rps)} | ${result.p50Ms.toFixed(2)} | ${result.p99Ms.toFixed(2)} | ${cpuUs.toFixed(1)} | ${Math.round(1e6 / cpuUs)} | ${result.non2xx} |`;
    log('');
    log('| load (one event) | req/s | p50 ms | p99 ms | Redis CPU µs/request | one master at most, req/s | non-2xx |');
    log('|---|---:|---:|---:|---:|---:|---:|');
    log(line('enter, REDIS_WAIT_REPLICAS=0', enter.median['wait 0'], median(cpu['wait 0'])));
    log(line('enter, REDIS_WAIT_REPLICAS=1', enter.median['wait 1'], median(cpu['wait 1'])));
    log(line(`poll (${POLL_QUEUE} waiting)`, poll.median.poll, median(cpu.poll)));
    const ratio = enter.median['wait 1'].rps / enter.median['wait 0'].rps;
    log('');
    log(`enter throughput with WAIT 1 / without: ${ratio.toFixed(2)} (medians: ${describe(enter.median['wait 1'])} vs ${describe(enter.median['wait 0'])})`);
  } finally {
    for (const p of processes.reverse()) await p.stop().catch(() => undefined);
    await backing.dispose();
    await pair.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
