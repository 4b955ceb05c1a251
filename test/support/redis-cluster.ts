/**
 * A throwaway local Redis Cluster for tests: three masters and three replicas, six `redis-server`
 * processes on free ports without persistence, joined by `redis-cli --cluster create`. One per test
 * file (start it in `beforeAll`, `stop` it in `afterAll`): start-up is a few seconds, most of it the
 * cluster agreeing on its configuration.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually, freePort } from './services.js';

/** ioredis's own slot function (a dependency of ioredis), the one a Cluster client routes by. */
export const keySlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

/** The Cluster slot of every key of an event (`…ev:{eventId}:…`): the hash tag is the event id. */
export const eventSlot = (eventId: string): number => keySlot(`{${eventId}}`);

export const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0 && spawnSync('redis-cli', ['--version']).status === 0;

export interface RedisClusterOptions {
  /**
   * `cluster-node-timeout`: how long a master may be silent before its replica takes over. Small
   * (1–2 s) for a failover test; by default Redis's 15 s, so a loaded machine never fails a master
   * over by accident.
   */
  nodeTimeoutMs?: number;
  /** `requirepass` (and `masterauth`) of every node, as managed clusters ask for AUTH. */
  password?: string;
}

export interface ClusterNodeView {
  port: number;
  role: 'master' | 'replica';
  /** For a replica: the port of its master. */
  masterPort?: number;
  /** For a master: the slot ranges it serves, inclusive. */
  slots: [number, number][];
}

const HOST = '127.0.0.1';
const MASTERS = 3;

export class LocalRedisCluster {
  private readonly servers = new Map<number, ChildProcess>();

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
    private readonly nodeTimeoutMs: number,
    readonly password: string | undefined,
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<LocalRedisCluster> {
    const ports: number[] = [];
    while (ports.length < MASTERS * 2) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const cluster = new LocalRedisCluster(ports, mkdtempSync(join(tmpdir(), 'foyer-cluster-')), options.nodeTimeoutMs ?? 15_000, options.password);
    try {
      await Promise.all(ports.map((port) => cluster.startServer(port)));
      await cluster.create();
      await cluster.waitUntilHealthy();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** `REDIS_CLUSTER_NODES` naming every node. */
  get nodesEnv(): string {
    return this.ports.map((port) => `${HOST}:${port}`).join(',');
  }

  /** The nodes as each one's own `CLUSTER NODES` line says, asked of `askPort` (any live node by default). */
  async topology(askPort?: number): Promise<ClusterNodeView[]> {
    const port = askPort ?? this.livePorts()[0];
    const text = String(await this.command(port, 'CLUSTER', 'NODES'));
    const lines = text.trim().split('\n');
    const portOfId = new Map(lines.map((line) => [line.split(' ')[0], Number(line.split(' ')[1].split('@')[0].split(':').pop())]));
    return (
      lines
        .map((line) => line.split(' '))
        // `fail` (agreed dead), not `fail?` (one node's suspicion).
        .filter((fields) => !fields[2].split(',').includes('fail') && !fields[2].includes('noaddr'))
        .map((fields) => {
          const nodePort = portOfId.get(fields[0])!;
          if (fields[2].includes('slave')) return { port: nodePort, role: 'replica' as const, masterPort: portOfId.get(fields[3]), slots: [] };
          const slots = fields
            .slice(8)
            .filter((range) => !range.startsWith('['))
            .map((range) => range.split('-').map(Number))
            .map(([from, to]) => [from, to ?? from] as [number, number]);
          return { port: nodePort, role: 'master' as const, slots };
        })
    );
  }

  /** The port of the master that serves `slot` now. */
  async masterOf(slot: number): Promise<number> {
    const master = (await this.topology()).find((node) => node.role === 'master' && node.slots.some(([from, to]) => slot >= from && slot <= to));
    if (!master) throw new Error(`no master serves slot ${slot}`);
    return master.port;
  }

  /** Kills one node by its pid (SIGKILL: no goodbye to the cluster, as a crash). */
  async kill(port: number): Promise<void> {
    const server = this.servers.get(port);
    if (!server) return;
    this.servers.delete(port);
    if (server.exitCode === null && server.signalCode === null) {
      server.kill('SIGCONT');
      server.kill('SIGKILL');
      await once(server, 'exit');
    }
  }

  /** Freezes one node (SIGSTOP): it holds its connections but answers nothing, as a stalled replica. */
  freeze(port: number): void {
    this.servers.get(port)?.kill('SIGSTOP');
  }

  thaw(port: number): void {
    this.servers.get(port)?.kill('SIGCONT');
  }

  /**
   * Closes the master's replication links: what it writes from now on reaches its replica only
   * when the replica reconnects (it does within a second, unless it is frozen).
   */
  async cutReplication(masterPort: number): Promise<void> {
    await this.command(masterPort, 'CLIENT', 'KILL', 'TYPE', 'replica');
  }

  /** The replica of the master on `masterPort`. */
  async replicaOf(masterPort: number): Promise<number> {
    const nodes = await this.topology();
    const replica = nodes.find((node) => node.role === 'replica' && node.masterPort === masterPort);
    if (!replica) throw new Error(`the master on port ${masterPort} has no replica: ${JSON.stringify(nodes)}`);
    return replica.port;
  }

  /**
   * Starts a killed node again on its port and configuration file: it rejoins the cluster, as the
   * replica of whoever took over its slots, and copies their data.
   */
  async restart(port: number): Promise<void> {
    await this.startServer(port);
  }

  /**
   * Waits until every node says `cluster_state:ok` and sees three masters serving slots, each with
   * a replica (roles spread by gossip: one node may know before another), and every master has a
   * synced replica.
   */
  async waitUntilHealthy(timeoutMs = 60_000): Promise<void> {
    await eventually(
      async () => {
        for (const port of this.livePorts()) {
          if (!String(await this.command(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return false;
          const nodes = await this.topology(port);
          const masters = nodes.filter((node) => node.role === 'master' && node.slots.length > 0);
          if (masters.length !== MASTERS || !masters.every((m) => nodes.some((n) => n.role === 'replica' && n.masterPort === m.port))) return false;
        }
        for (const master of (await this.topology()).filter((node) => node.role === 'master' && node.slots.length > 0)) {
          const replication = String(await this.command(master.port, 'INFO', 'replication'));
          if (!/^slave0:.*state=online/m.test(replication)) return false;
          if (!(await replicates(master.port, keyServedBy(master.slots), this.password))) return false;
        }
        return true;
      },
      timeoutMs,
      'the Redis Cluster to be healthy (three masters, each with a synced replica)',
    );
  }

  /** Stops every node this cluster started, by pid, and removes its files. */
  async stop(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((port) => this.kill(port)));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** One command on one node, on a connection of its own. */
  async command(port: number, ...args: (string | number)[]): Promise<unknown> {
    const redis = new Redis({
      host: HOST,
      port,
      password: this.password,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2_000,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await redis.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      redis.disconnect();
    }
  }

  private livePorts(): number[] {
    return this.ports.filter((port) => this.servers.has(port));
  }

  private async startServer(port: number): Promise<void> {
    const server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        HOST,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        String(this.nodeTimeoutMs),
        '--save',
        '',
        '--appendonly',
        'no',
        // A replica's first copy starts at once (the default waits 5 s for more replicas to share it).
        '--repl-diskless-sync-delay',
        '0',
        '--dir',
        this.dir,
        ...(this.password === undefined ? [] : ['--requirepass', this.password, '--masterauth', this.password]),
      ],
      { stdio: 'ignore' },
    );
    this.servers.set(port, server);
    await eventually(async () => (await this.command(port, 'PING')) === 'PONG', 20_000, `redis-server on port ${port} to answer`);
  }

  private async create(): Promise<void> {
    const auth = this.password === undefined ? [] : ['-a', this.password, '--no-auth-warning'];
    const args = [...auth, '--cluster', 'create', ...this.ports.map((port) => `${HOST}:${port}`), '--cluster-replicas', '1', '--cluster-yes'];
    const cli = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(cli, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`redis-cli --cluster create failed (${code}):\n${output}`);
  }
}

/** A key in one of `slots` (a master's ranges): the master takes writes to it. */
function keyServedBy(slots: [number, number][]): string {
  for (let n = 0; ; n++) {
    const slot = keySlot(`probe-${n}`);
    if (slots.some(([from, to]) => slot >= from && slot <= to)) return `probe-${n}`;
  }
}

/**
 * Whether a write on the master at `port` reaches its replica: "online" in INFO comes a moment
 * before the replica takes the stream, and a test's first WAIT must not be the one that finds out.
 */
async function replicates(port: number, key: string, password?: string): Promise<boolean> {
  const redis = new Redis({ host: HOST, port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.set(key, '1');
    return Number(await redis.call('WAIT', '1', '1000')) >= 1;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** A single Redis master with one replica of its own (no Cluster), on free ports. */
export class LocalRedisPair {
  private constructor(
    readonly masterPort: number,
    readonly replicaPort: number,
    private readonly servers: ChildProcess[],
    private readonly dir: string,
  ) {}

  static async start(): Promise<LocalRedisPair> {
    const dir = mkdtempSync(join(tmpdir(), 'foyer-pair-'));
    const [masterPort, replicaPort] = [await freePort(), await freePort()];
    const server = (port: number, extra: string[]) =>
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--repl-diskless-sync-delay', '0', ...extra],
        {
          stdio: 'ignore',
        },
      );
    const pair = new LocalRedisPair(masterPort, replicaPort, [server(masterPort, []), server(replicaPort, ['--replicaof', HOST, String(masterPort)])], dir);
    const probe = new Redis({ host: HOST, port: masterPort, retryStrategy: () => 50 });
    probe.on('error', () => undefined);
    try {
      await eventually(
        async () => /^slave0:.*state=online/m.test(await probe.info('replication')) && (await replicates(masterPort, 'probe')),
        30_000,
        'the replica to take writes',
      );
    } finally {
      probe.disconnect();
    }
    return pair;
  }

  get masterUrl(): string {
    return `redis://${HOST}:${this.masterPort}/0`;
  }

  freeze(): void {
    this.servers[1].kill('SIGSTOP');
  }

  thaw(): void {
    this.servers[1].kill('SIGCONT');
  }

  async stop(): Promise<void> {
    for (const server of this.servers) {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGCONT');
        server.kill('SIGKILL');
        await once(server, 'exit');
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** How many times `command` ran on the node at `port` (`INFO commandstats`). */
export async function commandCalls(port: number, command: string): Promise<number> {
  const redis = new Redis({ host: HOST, port });
  try {
    const stats = await redis.info('commandstats');
    return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}

/**
 * Event ids that take the masters in turn: the k-th id made lands on master k mod 3 (its slot is
 * checked against the cluster's own slot table).
 */
export async function masterRotation(cluster: LocalRedisCluster): Promise<(label: string) => string> {
  const masters = (await cluster.topology()).filter((node) => node.role === 'master' && node.slots.length > 0);
  expect(masters).toHaveLength(MASTERS);
  let made = 0;
  return (label) => {
    const master = masters[made++ % masters.length];
    const base = `${label}-${randomBytes(4).toString('hex')}`;
    for (let n = 0; ; n++) {
      const slot = eventSlot(`${base}-${n}`);
      if (master.slots.some(([from, to]) => slot >= from && slot <= to)) return `${base}-${n}`;
    }
  };
}

/** Asserts that every master of the cluster holds keys: the test's events did spread over all of them. */
export async function expectKeysOnEveryMaster(cluster: LocalRedisCluster, prefix: string): Promise<void> {
  const masters = (await cluster.topology()).filter((node) => node.role === 'master' && node.slots.length > 0);
  const counts = await Promise.all(
    masters.map(async (m) => ((await cluster.command(m.port, 'SCAN', 0, 'MATCH', `${prefix}ev:*`, 'COUNT', 10_000)) as [string, string[]])[1].length),
  );
  expect(counts).toHaveLength(MASTERS);
  for (const count of counts) expect(count).toBeGreaterThan(0);
}

/**
 * One event id per master of the cluster (`label-<n>` with the first n whose slot each master
 * serves), so a test's events spread over all of them. Asserts that they do.
 */
export async function eventIdsOnEveryMaster(cluster: LocalRedisCluster, label: string): Promise<{ eventId: string; masterPort: number }[]> {
  const masters = (await cluster.topology()).filter((node) => node.role === 'master' && node.slots.length > 0);
  const chosen: { eventId: string; masterPort: number }[] = [];
  for (const master of masters) {
    for (let n = 0; ; n++) {
      const eventId = `${label}-${n}`;
      const slot = eventSlot(eventId);
      if (master.slots.some(([from, to]) => slot >= from && slot <= to)) {
        chosen.push({ eventId, masterPort: master.port });
        break;
      }
    }
  }
  expect(new Set(chosen.map((c) => c.masterPort)).size).toBe(MASTERS);
  return chosen;
}
