/**
 * `REDIS_WAIT_REPLICAS` on a real Redis Cluster of three masters and three replicas: the scripts
 * that queue or admit answer only once WAIT, sent to the master that ran them, counts the replica
 * holding their write; when it cannot (the replica is frozen), a place is refused (503) rather than
 * claimed, and every shortfall is reported.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { Redis } from 'ioredis';
import { StoreUnavailableError, type EnterResult, type Place, type QueueConfig } from '@foyer/domain';
import { createRedis, whenReady } from '../libs/queue-store/src/redis/redis-connection.js';
import { RedisQueueStore, type ReplicaAckReport } from '../libs/queue-store/src/redis/redis-queue.store.js';
import { configureOrBuild } from '../libs/queue-store/src/new-event.js';
import { commandCalls, eventIdsOnEveryMaster, LocalRedisCluster, LocalRedisPair } from './support/redis-cluster.js';

const PREFIX = 'wait:';
const WAIT_TIMEOUT_MS = 300;

function config(eventId: string, limitCnt: number): QueueConfig {
  return { eventId, status: 'OPEN', limitCnt, sessionTtlMs: 600_000, waitTimeoutMs: 600_000, pollRefusalMs: 0, blockReentry: false, version: 1 };
}

function placed(result: EnterResult): Place {
  if (result.outcome !== 'PLACED') throw new Error(`expected a place, got ${JSON.stringify(result)}`);
  return result.state.place;
}

describe('REDIS_WAIT_REPLICAS on a Redis Cluster of three masters and three replicas', () => {
  let cluster: LocalRedisCluster;
  let redis: Cluster;
  let store: RedisQueueStore;
  const reports: ReplicaAckReport[] = [];

  beforeAll(async () => {
    cluster = await LocalRedisCluster.start();
    redis = createRedis({ clusterNodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })), profile: 'api', name: 'wait-test' }) as Cluster;
    await whenReady(redis);
    store = new RedisQueueStore(redis, {
      keyPrefix: PREFIX,
      waitForReplicas: { replicas: 1, timeoutMs: WAIT_TIMEOUT_MS },
      onReplicaAcks: (report) => reports.push(report),
    });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await cluster?.stop();
  });

  /** What the replica of `masterPort` holds of a waiter, read on the replica itself. */
  async function replicaWaitScore(masterPort: number, eventId: string, id: string): Promise<string | null> {
    const replica = new Redis({ host: '127.0.0.1', port: await cluster.replicaOf(masterPort) });
    try {
      await replica.call('READONLY');
      return await replica.zscore(`${PREFIX}ev:{${eventId}}:wait`, id);
    } finally {
      replica.disconnect();
    }
  }

  it('answers a place only once the replica of its master holds it, on every master', async () => {
    const events = await eventIdsOnEveryMaster(cluster, `held-${randomUUID().slice(0, 8)}`);
    for (const { eventId, masterPort } of events) {
      await configureOrBuild(store, config(eventId, 1));
      reports.length = 0;
      const first = placed(await store.enter(eventId, 'first'));
      expect(await store.saveSuccessToken(first, 'token-first')).toBe('token-first');
      const second = placed(await store.enter(eventId, 'second'));
      // Read at once after the answer: WAIT, not luck, put it there.
      expect(await replicaWaitScore(masterPort, eventId, 'second')).toBe(String(second.seq));
      expect(await store.exit(first)).toEqual({ outcome: 'EXITED', admitted: 1 });
      expect(await store.promote(eventId, 10)).toEqual({ admitted: 0, abandoned: 0 });
      expect(reports).toEqual(['enter', 'save-token', 'enter', 'exit', 'promote'].map((script) => ({ script, eventId, wanted: 1, acked: 1 })));
    }
  });

  it('refuses a place, session or exit its replica did not confirm (503), reports it, and admits by promotion all the same', async () => {
    const [{ eventId, masterPort }] = await eventIdsOnEveryMaster(cluster, `frozen-${randomUUID().slice(0, 8)}`);
    await configureOrBuild(store, config(eventId, 1));
    const admitted = placed(await store.enter(eventId, 'admitted'));
    expect(await store.saveSuccessToken(admitted, 'token-admitted')).toBe('token-admitted');
    await store.configure({ ...config(eventId, 1), limitCnt: 0, version: 2 });
    const replicaPort = await cluster.replicaOf(masterPort);
    cluster.freeze(replicaPort);
    try {
      reports.length = 0;
      // The exit is done on the master; retried, it answers ALREADY_EXITED (or exits again on a new master that lost it).
      await expect(store.exit(admitted)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await store.exit(admitted).catch((err: unknown) => err)).toBeInstanceOf(StoreUnavailableError);
      expect(reports.map((r) => [r.script, r.acked])).toEqual([
        ['exit', 0],
        ['exit', 0],
      ]);
      reports.length = 0;
      const refused = await store.enter(eventId, 'unconfirmed').then(
        () => 'answered',
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(String((refused as Error).cause)).toMatch(/WAIT counted 0 of 1 replicas holding the enter/);
      await store.configure({ ...config(eventId, 1), version: 3 });
      // The place was taken on the master (a retry with the same key finds it); nobody was told it was safe.
      expect(await store.promote(eventId, 10)).toEqual({ admitted: 1, abandoned: 0 });
      const session = { eventId, id: 'unconfirmed', seq: admitted.seq + 1, epoch: admitted.epoch };
      // Its first ENTER answer saves the token: unconfirmed, 503; the next one reads it, and is confirmed all the same.
      await expect(store.saveSuccessToken(session, 'token-unconfirmed')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.poll(session)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(reports).toEqual([
        { script: 'enter', eventId, wanted: 1, acked: 0 },
        { script: 'promote', eventId, wanted: 1, acked: 0 },
        { script: 'save-token', eventId, wanted: 1, acked: 0 },
        { script: 'poll', eventId, wanted: 1, acked: 0 },
      ]);
    } finally {
      cluster.thaw(replicaPort);
    }
  });

  it('answers the retry of an unconfirmed enter with the same Idempotency-Key the place it took, once confirmed', async () => {
    const [{ eventId, masterPort }] = await eventIdsOnEveryMaster(cluster, `retry-${randomUUID().slice(0, 8)}`);
    await configureOrBuild(store, config(eventId, 0));
    const key = { hash: createHash('sha256').update(`key-${eventId}`).digest('hex'), serverId: `srv-${eventId}` };
    const replicaPort = await cluster.replicaOf(masterPort);
    cluster.freeze(replicaPort);
    try {
      await expect(store.enter(eventId, 'keyed', { key })).rejects.toBeInstanceOf(StoreUnavailableError);
      // Still unconfirmed: the retry reads the place, and a read is confirmed like a write.
      await expect(store.enter(eventId, 'keyed', { key })).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      cluster.thaw(replicaPort);
    }
    reports.length = 0;
    const retried = await store.enter(eventId, 'keyed', { key });
    expect(retried).toMatchObject({ outcome: 'HELD', state: { status: 'WAIT', place: { id: 'keyed', seq: 1 } } });
    expect(reports.map((r) => [r.script, r.acked])).toEqual([
      ['enter', 1],
      ['enter', 1],
    ]);
  });

  it('sends one WAIT for the scripts of one moment on a master (group commit), not one each', async () => {
    const [{ eventId, masterPort }] = await eventIdsOnEveryMaster(cluster, `group-${randomUUID().slice(0, 8)}`);
    await configureOrBuild(store, config(eventId, 0));
    const waitsBefore = await commandCalls(masterPort, 'wait');
    reports.length = 0;
    const places = await Promise.all(Array.from({ length: 40 }, (_, i) => store.enter(eventId, `crowd-${i}`)));
    expect(places.map((p) => p.outcome)).toEqual(Array(40).fill('PLACED'));
    expect(reports.filter((r) => r.acked === 1)).toHaveLength(40);
    const waits = (await commandCalls(masterPort, 'wait')) - waitsBefore;
    expect(waits).toBeGreaterThan(0);
    expect(waits).toBeLessThan(40);
  });

  it('waits for nobody with REDIS_WAIT_REPLICAS=0', async () => {
    const [{ eventId, masterPort }] = await eventIdsOnEveryMaster(cluster, `nowait-${randomUUID().slice(0, 8)}`);
    const unwaited = new RedisQueueStore(redis, {
      keyPrefix: PREFIX,
      waitForReplicas: { replicas: 0, timeoutMs: WAIT_TIMEOUT_MS },
      onReplicaAcks: (r) => reports.push(r),
    });
    await configureOrBuild(unwaited, config(eventId, 0));
    const replicaPort = await cluster.replicaOf(masterPort);
    cluster.freeze(replicaPort);
    try {
      reports.length = 0;
      expect(placed(await unwaited.enter(eventId, 'fast')).seq).toBeGreaterThan(0);
      expect(reports).toEqual([]);
    } finally {
      cluster.thaw(replicaPort);
    }
  });
});

describe('REDIS_WAIT_REPLICAS on a single Redis with a replica (REDIS_URL, the API profile)', () => {
  let pair: LocalRedisPair;
  let store: RedisQueueStore;
  const reports: ReplicaAckReport[] = [];

  beforeAll(async () => {
    pair = await LocalRedisPair.start();
    const redis = createRedis({ url: pair.masterUrl, profile: 'api', name: 'wait-test-single' });
    await whenReady(redis);
    store = new RedisQueueStore(redis, {
      keyPrefix: PREFIX,
      waitForReplicas: { replicas: 1, timeoutMs: WAIT_TIMEOUT_MS },
      onReplicaAcks: (r) => reports.push(r),
    });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await pair?.stop();
  });

  it('confirms a place held by the replica, and refuses one the frozen replica did not take', async () => {
    const eventId = `single-${randomUUID().slice(0, 8)}`;
    await configureOrBuild(store, config(eventId, 0));
    const held = placed(await store.enter(eventId, 'held'));
    const replica = new Redis({ host: '127.0.0.1', port: pair.replicaPort });
    try {
      expect(await replica.zscore(`${PREFIX}ev:{${eventId}}:wait`, 'held')).toBe(String(held.seq));
    } finally {
      replica.disconnect();
    }
    pair.freeze();
    try {
      await expect(store.enter(eventId, 'unconfirmed')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      pair.thaw();
    }
    expect(reports.map((r) => [r.script, r.acked])).toEqual([
      ['enter', 1],
      ['enter', 0],
    ]);
  });
});
