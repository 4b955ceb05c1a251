import { once } from 'node:events';
import { createServer } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { createRedis, isRedisUnavailable } from './redis-connection.js';

/** A local port nobody listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('createRedis', () => {
  it('api profile: refuses commands at once while Redis is away, with an unavailable error', async () => {
    const redis = createRedis({ url: `redis://127.0.0.1:${await closedPort()}`, profile: 'api', name: 'spec-api' }) as Redis;
    redis.on('error', () => undefined); // connection errors are what this case is about
    try {
      expect(redis.options.enableOfflineQueue).toBe(false);
      expect(redis.options.maxRetriesPerRequest).toBe(1);
      const err = await redis.ping().then(
        () => null,
        (error: unknown) => error,
      );
      expect(err).toBeInstanceOf(Error);
      expect(isRedisUnavailable(err)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('worker profile: commands wait out an outage, without a limit on retries', () => {
    const redis = createRedis({ url: 'redis://127.0.0.1:6379', profile: 'worker', name: 'spec-worker' });
    // Only the options are checked here: test/redis-queue-store.test.ts takes Redis away for real.
    redis.disconnect();
    const options = (redis as Redis).options;
    expect(options.enableOfflineQueue).toBe(true);
    expect(options.maxRetriesPerRequest).toBeNull();
    expect(options.connectionName).toBe('spec-worker');
  });

  it('makes a Cluster client when cluster nodes are given', async () => {
    const port = await closedPort();
    const cluster = createRedis({ url: null, clusterNodes: [{ host: '127.0.0.1', port }], profile: 'api' });
    cluster.on('error', () => undefined);
    try {
      expect(cluster).toBeInstanceOf(Cluster);
    } finally {
      cluster.disconnect();
    }
  });

  it('needs a url or cluster nodes', () => {
    expect(() => createRedis({ profile: 'api' })).toThrow('createRedis needs a url or cluster nodes');
  });
});

describe('isRedisUnavailable', () => {
  const withCode = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:6379`), { code });
  const named = (name: string, message: string) => {
    const err = new Error(message);
    err.name = name;
    return err;
  };

  it.each([
    ['refused connection', withCode('ECONNREFUSED')],
    ['reset connection', withCode('ECONNRESET')],
    ['closed connection', new Error('Connection is closed.')],
    ['offline queue disabled', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['command timeout', new Error('Command timed out')],
    ['retries exhausted', named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 1).')],
    ['cluster down', named('ClusterAllFailedError', 'Failed to refresh slots cache.')],
    ['no startup node', new Error('None of startup nodes is available')],
    ['loading dataset', new Error('LOADING Redis is loading the dataset in memory')],
    ['busy script', new Error('BUSY Redis is busy running a script.')],
    ['cluster slot down', new Error('CLUSTERDOWN The cluster is down')],
    ['wrapped cause', new Error('store call failed', { cause: withCode('ETIMEDOUT') })],
  ])('recognises %s', (_what, err) => {
    expect(isRedisUnavailable(err)).toBe(true);
  });

  it.each([
    ['a script error', new Error('ERR user_script:12: Script attempted to access nonexistent global variable')],
    ['a wrong type', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['not an error', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('does not take %s for an outage', (_what, err) => {
    expect(isRedisUnavailable(err)).toBe(false);
  });
});
