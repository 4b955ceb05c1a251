/**
 * RedisQueueStore against a real Redis: the shared contract suite (time passes by really
 * sleeping, since Redis TIME cannot be faked), then what only Redis has: several connections
 * racing, and the key layout the memory budget depends on.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis, type Cluster } from 'ioredis';
import type { EnterResult, Place, QueueConfig } from '@foyer/domain';
import { createRedis, isRedisUnavailable, whenReady } from '../libs/queue-store/src/redis/redis-connection.js';
import { RedisQueueStore } from '../libs/queue-store/src/redis/redis-queue.store.js';
import { RATE_COPY_MS } from '../libs/queue-store/src/redis/rate-copies.js';
import { QueueKeys } from '../libs/queue-store/src/redis/queue-keys.js';
import { decodeHeartbeat, decodeReply } from '../libs/queue-store/src/redis/script-replies.js';
import { SCRIPT_KEYS, runScript } from '../libs/queue-store/src/redis/scripts.js';
import { describeQueueStoreContract, type StoreHarness } from './queue-store.contract.js';
import { deleteKeys, eventually, freePort, REDIS_URL, sleep } from './support/services.js';
import { configureOrBuild } from '../libs/queue-store/src/new-event.js';

function uniquePrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}

describeQueueStoreContract('RedisQueueStore', async (): Promise<StoreHarness> => {
  const prefix = uniquePrefix();
  const redis = createRedis({ url: REDIS_URL, profile: 'api', name: 'foyer-contract-test' });
  await whenReady(redis);
  const store = new RedisQueueStore(redis, { keyPrefix: prefix });
  // The two scripts of a poll, each alone.
  const keys = new QueueKeys(prefix);
  const run = (name: 'heartbeat' | 'poll', place: Place) =>
    runScript(redis, name, keys.eventKeyList(place.eventId, SCRIPT_KEYS[name]), [place.id, place.seq, place.epoch]);
  return {
    store,
    elapse: sleep,
    heartbeat: async (place) => decodeHeartbeat(await run('heartbeat', place)),
    fullPoll: async (place) => decodeReply('poll', await run('poll', place), place),
    async cleanup() {
      const cleaner = new Redis(REDIS_URL);
      await deleteKeys(cleaner, prefix);
      await cleaner.quit();
      await store.close();
    },
  };
});

describe('RedisQueueStore on Redis', () => {
  let prefix: string;
  let redis: Redis;
  let eventId: string;
  const extra: Redis[] = [];

  const config = (overrides: Partial<QueueConfig> = {}): QueueConfig => ({
    eventId,
    status: 'OPEN',
    limitCnt: 1,
    sessionTtlMs: 60_000,
    waitTimeoutMs: 60_000,
    pollRefusalMs: 0,
    blockReentry: false,
    version: 1,
    ...overrides,
  });

  /** A store on a connection of its own, as another replica would have. */
  function replica(): RedisQueueStore {
    const connection = new Redis(REDIS_URL);
    extra.push(connection);
    return new RedisQueueStore(connection, { keyPrefix: prefix });
  }

  beforeEach(() => {
    prefix = uniquePrefix();
    redis = new Redis(REDIS_URL);
    eventId = `ev-${randomUUID()}`;
  });

  afterEach(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
    await Promise.all(extra.splice(0).map((connection) => connection.quit()));
  });

  it('never over-admits when many replicas enter, exit and promote at once', async () => {
    const replicas = Array.from({ length: 6 }, replica);
    await configureOrBuild(replicas[0], config({ limitCnt: 25 }));

    const firstWave: EnterResult[] = await Promise.all(Array.from({ length: 600 }, (_, i) => replicas[i % replicas.length].enter(eventId, `u-${i}`)));
    const admitted = firstWave.flatMap((result) => (result.outcome === 'PLACED' && result.state.status === 'ENTER' ? [result.state] : []));
    expect(admitted).toHaveLength(25);
    expect(firstWave.every((result) => result.outcome === 'PLACED')).toBe(true);

    let highest = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) highest = Math.max(highest, await redis.zcard(new QueueKeys(prefix).eventKey(eventId, 'active')));
    })();
    const exits = await Promise.all([
      ...admitted.map((state, i) => replicas[i % replicas.length].exit(state.place)),
      ...Array.from({ length: 200 }, (_, i) => replicas[i % replicas.length].enter(eventId, `late-${i}`)),
      ...Array.from({ length: 30 }, (_, i) => replicas[i % replicas.length].promote(eventId, 3)),
    ]);
    watching = false;
    await watch;

    expect(exits.slice(0, 25).every((result) => 'outcome' in result && result.outcome === 'EXITED')).toBe(true);
    expect(highest).toBeLessThanOrEqual(25);
    const stats = await replicas[0].stats(eventId);
    expect(stats.active).toBe(25);
    expect(stats.admittedTotal).toBe(50);
    expect(stats.waiting).toBe(600 + 200 - 50);
  }, 30_000);

  it("a waiter's poll on one replica reports the rate another replica stored, within RATE_COPY_MS", async () => {
    const [api, scheduler] = [replica(), replica()];
    await configureOrBuild(scheduler, config({ limitCnt: 1 }));
    const first = await api.enter(eventId, 'first');
    const waiter = await api.enter(eventId, 'waiter');
    if (first.outcome !== 'PLACED' || waiter.outcome !== 'PLACED') throw new Error('expected places');
    expect(await api.poll(waiter.state.place)).toMatchObject({ state: { status: 'WAIT', rank: 1, measuredRate: null } });

    await api.exit(first.state.place); // admits the waiter into the freed slot: an admission for the rate
    const second = await api.enter(eventId, 'second');
    if (second.outcome !== 'PLACED') throw new Error('expected a place');
    const rate = await scheduler.refreshRate(eventId);
    expect(rate).toBeGreaterThan(0);

    // The api replica's copy (read at its first poll) is at most RATE_COPY_MS old: then it reads again.
    const polled = await eventually(
      async () => {
        await sleep(50);
        const result = await api.poll(second.state.place);
        return result.outcome === 'STATE' && result.state.status === 'WAIT' && result.state.measuredRate !== null && result;
      },
      RATE_COPY_MS + 5_000,
      'the stored rate in a poll',
    );
    expect(polled.state).toMatchObject({ status: 'WAIT', rank: 1 });
    expect((polled.state as { measuredRate: number }).measuredRate).toBeCloseTo(rate!, 6);
  });

  it('keeps nothing per waiting user but its wait and seen entries', async () => {
    const store = new RedisQueueStore(redis, { keyPrefix: prefix });
    await configureOrBuild(store, config({ limitCnt: 2 }));
    for (let i = 0; i < 50; i++) await store.enter(eventId, `user-${i}`);
    await store.refreshRate(eventId);

    const keys = new QueueKeys(prefix).eventKeys(eventId);
    expect(await redis.zcard(keys.wait)).toBe(48);
    expect(await redis.zcard(keys.seen)).toBe(48);
    expect(await redis.zcard(keys.active)).toBe(2);
    expect(await redis.hlen(keys.sess)).toBe(2);
    expect(await redis.exists(keys.tok, keys.done)).toBe(0);
    // The stats hash is per event: totals, a few rate buckets and the rate, never per user.
    expect(await redis.hlen(keys.stats)).toBeLessThanOrEqual(4);

    let cursor = '0';
    const found: string[] = [];
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    const expected = [keys.cfg, keys.seq, keys.wait, keys.seen, keys.active, keys.sess, keys.stats, keys.log];
    expect(found.sort()).toEqual(expected.sort());
  });

  it('dropEvent leaves only the journal of the event', async () => {
    const store = new RedisQueueStore(redis, { keyPrefix: prefix });
    await configureOrBuild(store, config({ limitCnt: 1 }));
    const admitted = await store.enter(eventId, 'a');
    await store.enter(eventId, 'b');
    if (admitted.outcome !== 'PLACED') throw new Error('expected a place');
    await store.saveSuccessToken(admitted.state.place, 'token');
    await store.exit(admitted.state.place);
    await store.refreshRate(eventId);

    await store.dropEvent(eventId);
    const [, remaining] = await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    expect(remaining).toEqual([new QueueKeys(prefix).eventKey(eventId, 'log')]);
  });

  it('a script failing is an error of its own, not an outage and not a made-up answer', async () => {
    const store = new RedisQueueStore(redis, { keyPrefix: prefix });
    await configureOrBuild(store, config());
    await redis.set(new QueueKeys(prefix).eventKey(eventId, 'wait'), 'not a zset');
    const err = await store.enter(eventId, 'x').then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(err)).toMatch(/WRONGTYPE/);
    expect(isRedisUnavailable(err)).toBe(false);
  });
});

/**
 * Redis behind a TCP relay this test can switch off and on: an outage without touching the
 * shared server.
 */
class RedisRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(readonly port: number) {}

  static async onFreePort(): Promise<RedisRelay> {
    return new RedisRelay(await freePort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => this.sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async down(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  }
}

function reconnects(redis: Redis | Cluster, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onReconnecting = () => {
      if (++seen < count) return;
      redis.off('reconnecting', onReconnecting);
      resolve();
    };
    redis.on('reconnecting', onReconnecting);
  });
}

describe('createRedis during a Redis outage', () => {
  let relay: RedisRelay;
  let redis: Redis | Cluster | undefined;

  beforeEach(async () => {
    relay = await RedisRelay.onFreePort();
  });

  afterEach(async () => {
    if (redis && redis.status === 'ready') await redis.quit();
    await relay.down();
    redis = undefined;
  });

  it('api profile: fails fast with an unavailable error, and serves again once Redis is back', async () => {
    await relay.up();
    redis = createRedis({ url: relay.url, profile: 'api' });
    redis.on('error', () => undefined); // the outage is the point of this case
    await whenReady(redis);
    const store = new RedisQueueStore(redis, { keyPrefix: uniquePrefix() });
    await store.ping();

    await relay.down();
    const err = await store.stats('any-event').then(
      () => null,
      (error: unknown) => error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(isRedisUnavailable(err)).toBe(true);

    await relay.up();
    await whenReady(redis);
    await expect(store.stats('any-event')).resolves.toMatchObject({ waiting: 0, active: 0 });
  });

  it('worker profile: a command sent during the outage completes once Redis is back', async () => {
    redis = createRedis({ url: relay.url, profile: 'worker' });
    redis.on('error', () => undefined);
    const store = new RedisQueueStore(redis, { keyPrefix: uniquePrefix() });
    let settled = false;
    const pending = store.stats('any-event').finally(() => {
      settled = true;
    });
    await reconnects(redis, 2);
    expect(settled).toBe(false);

    await relay.up();
    await expect(pending).resolves.toMatchObject({ waiting: 0, active: 0 });
  });
});
