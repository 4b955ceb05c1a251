/**
 * A managed Redis Cluster asks for AUTH (and often TLS): the URL entries of REDIS_CLUSTER_NODES
 * carry the credentials to every node, those the client discovers included. Against a local
 * cluster of three masters and three replicas with `requirepass`.
 */
import { jest } from '@jest/globals';
import { loadConfig } from '@foyer/config';
import { configureOrBuild } from '../libs/queue-store/src/new-event.js';
import { createRedis, whenReady } from '../libs/queue-store/src/redis/redis-connection.js';
import { RedisQueueStore } from '../libs/queue-store/src/redis/redis-queue.store.js';
import { eventIdsOnEveryMaster, LocalRedisCluster } from './support/redis-cluster.js';
import { eventually } from './support/services.js';

jest.setTimeout(120_000);

const PASSWORD = 'cluster-secret-of-the-test';
const SECRETS = { ADMIN_API_KEY: 'test-admin-key', TICKET_SECRET: 'test-ticket-secret', ENTRY_TOKEN_SECRET: 'test-entry-secret' };

describe('a Redis Cluster that asks for a password', () => {
  let cluster: LocalRedisCluster;

  beforeAll(async () => {
    cluster = await LocalRedisCluster.start({ password: PASSWORD });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  const nodes = (password: string | null) =>
    cluster.ports.map((port) => (password === null ? `127.0.0.1:${port}` : `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`)).join(',');

  it('serves every master with the credentials of the URL entries', async () => {
    // One URL entry is enough: its credentials go to every node, those discovered included.
    const [first, ...rest] = nodes(PASSWORD).split(',');
    const config = loadConfig({ ...SECRETS, REDIS_CLUSTER_NODES: [first, ...rest.map((url) => url.replace(/^redis:\/\/:[^@]*@/, ''))].join(',') });
    expect(config.redis.clusterAuth).toEqual({ username: null, password: PASSWORD, tls: false });
    const redis = createRedis({ clusterNodes: config.redis.clusterNodes, clusterAuth: config.redis.clusterAuth, profile: 'worker' });
    const store = new RedisQueueStore(redis, { keyPrefix: 'auth-test:' });
    try {
      await whenReady(redis);
      for (const { eventId } of await eventIdsOnEveryMaster(cluster, 'auth')) {
        await configureOrBuild(store, {
          eventId,
          status: 'OPEN',
          limitCnt: 1,
          sessionTtlMs: 60_000,
          waitTimeoutMs: 60_000,
          pollRefusalMs: 0,
          blockReentry: false,
          version: 1,
        });
        expect(await store.enter(eventId, 'first')).toMatchObject({ outcome: 'PLACED', state: { status: 'ENTER' } });
        expect(await store.enter(eventId, 'second')).toMatchObject({ outcome: 'PLACED', state: { status: 'WAIT', rank: 1 } });
      }
    } finally {
      redis.disconnect();
    }
  });

  it('is refused without them', async () => {
    const config = loadConfig({ ...SECRETS, REDIS_CLUSTER_NODES: nodes(null) });
    expect(config.redis.clusterAuth).toBeNull();
    const errors: string[] = [];
    const redis = createRedis({ clusterNodes: config.redis.clusterNodes, profile: 'api', onUnavailable: (reason) => errors.push(reason) });
    const store = new RedisQueueStore(redis, { keyPrefix: 'auth-test:' });
    try {
      await expect(store.enter('no-auth', 'x')).rejects.toThrow();
      // The client says why: the nodes refused it (ioredis reports NOAUTH as a failed slots refresh).
      await eventually(() => errors.length > 0, 20_000, 'the connection to report its refusal');
      expect(errors.join('\n')).toMatch(/NOAUTH|Authentication required|refresh slots cache/i);
    } finally {
      redis.disconnect();
    }
  });
});
