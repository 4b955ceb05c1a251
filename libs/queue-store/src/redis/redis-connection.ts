import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import { CoalescingRedis } from './coalescing-redis.js';

/**
 * - `api`: fails fast. Commands are refused while disconnected instead of queueing, and a request
 *   gives up after one retry, so a request answers 503 STORE_UNAVAILABLE rather than hang. The
 *   commands of one event-loop turn share one write (`CoalescingRedis`; not on a Cluster).
 * - `worker`: waits out outages. Commands queue until Redis is back and are retried without limit,
 *   so a scheduler tick or a forwarder pass resumes where it was.
 */
export type RedisProfile = 'api' | 'worker';

export interface RedisConnectionOptions {
  /** `redis://…` of a single Redis; ignored when `clusterNodes` is given. */
  url?: string | null;
  /** Startup nodes of a Redis Cluster. */
  clusterNodes?: { host: string; port: number }[] | null;
  /** The credentials and TLS of every node of the cluster (the URL entries of REDIS_CLUSTER_NODES). */
  clusterAuth?: { username: string | null; password: string | null; tls: boolean } | null;
  profile: RedisProfile;
  /** Shown in `CLIENT LIST`, to tell the processes apart. */
  name?: string;
  /**
   * Whether the commands of one event-loop turn share one write (`CoalescingRedis`). By default
   * with the `api` profile, on a single Redis.
   */
  coalesceWrites?: boolean;
  /**
   * Told when the connection fails (ioredis's `error` event, once per reconnection attempt) and
   * when it is ready again, to log an outage once. Either way the connection has an `error`
   * listener: without one, ioredis prints a stack trace per attempt.
   */
  onUnavailable?: (reason: string) => void;
  onAvailable?: () => void;
}

const PROFILES: Record<RedisProfile, Omit<RedisOptions, 'replyMapping'>> = {
  api: {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // A Redis that accepts the connection but does not answer must not hold requests for long.
    commandTimeout: 3_000,
    retryStrategy: (times) => Math.min(100 * times, 1_000),
  },
  worker: {
    enableOfflineQueue: true,
    maxRetriesPerRequest: null,
    connectTimeout: 10_000,
    retryStrategy: (times) => Math.min(200 * times, 5_000),
  },
};

export function createRedis(options: RedisConnectionOptions): Redis | Cluster {
  const redis = connect(options);
  const { onUnavailable, onAvailable } = options;
  redis.on('error', (err: Error) => onUnavailable?.(err.message || (err as NodeJS.ErrnoException).code || err.name));
  if (onAvailable) redis.on('ready', onAvailable);
  return redis;
}

function connect(options: RedisConnectionOptions): Redis | Cluster {
  // Replies as ioredis's default (`legacy`) maps them: what the stores decode.
  const redisOptions: RedisOptions & { replyMapping?: 'legacy' } = {
    ...PROFILES[options.profile],
    ...(options.name ? { connectionName: options.name } : {}),
  };
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    const nodes: ClusterNode[] = options.clusterNodes.map(({ host, port }) => ({ host, port }));
    const auth = options.clusterAuth;
    if (auth?.username) redisOptions.username = auth.username;
    if (auth?.password) redisOptions.password = auth.password;
    if (auth?.tls) redisOptions.tls = {};
    return new Cluster(nodes, {
      redisOptions,
      // With TLS, connect by the name given, as the certificate names it, not by the address it
      // resolves to (ioredis's advice for managed clusters such as ElastiCache).
      ...(auth?.tls ? { dnsLookup: (address: string, callback: (err: Error | null, address: string) => void) => callback(null, address) } : {}),
      enableOfflineQueue: redisOptions.enableOfflineQueue,
      clusterRetryStrategy: redisOptions.retryStrategy ?? undefined,
    });
  }
  if (!options.url) throw new Error('createRedis needs a url or cluster nodes');
  const coalesce = options.coalesceWrites ?? options.profile === 'api';
  return coalesce ? new CoalescingRedis(options.url, redisOptions) : new Redis(options.url, redisOptions);
}

/**
 * Resolves once the connection can serve commands. With the `api` profile nothing queues while
 * connecting, so a process should wait for this before it takes traffic.
 */
export function whenReady(redis: Redis | Cluster): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onReady = () => {
      redis.off('end', onEnd);
      resolve();
    };
    const onEnd = () => {
      redis.off('ready', onReady);
      reject(new Error('the Redis connection ended before it was ready'));
    };
    redis.once('ready', onReady);
    redis.once('end', onEnd);
  });
}

/**
 * Waits at most `maxMs` for the connection to be ready; resolves whether it is. A process start
 * uses it to let its first requests find Redis ready (the API profile queues nothing while
 * connecting), then serves anyway, answering 503 until Redis is there.
 */
export function readyWithin(redis: Redis | Cluster, maxMs = 5_000): Promise<boolean> {
  return Promise.race([
    whenReady(redis).then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((resolve) => setTimeout(resolve, maxMs, false).unref()),
  ]);
}

/** Socket-level failures: the server is not there, or the connection broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);

/** Error names ioredis (and redis-errors) use when a command could not reach a server. */
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError', 'AbortError']);

/** Messages of ioredis's own errors when it cannot send or complete a command. */
const UNAVAILABLE_MESSAGES = [
  /^Connection is closed\.?$/,
  /enableOfflineQueue options is false/,
  /^Command timed out/,
  /^Command aborted due to connection close/,
  /^None of startup nodes is available/,
  /^Failed to refresh slots cache/,
  /^Cluster is (disconnected|disconnecting|ended)/,
  /^Too many Cluster redirections/,
  /^Socket timeout/,
  /^connect ETIMEDOUT/,
  /^Node is disconnected/,
];

/** Replies of a Redis that is up but cannot serve now (loading, busy with a script, failing over, full). */
const UNAVAILABLE_REPLIES = /^(LOADING|BUSY|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS|OOM)\b/;

/**
 * Whether an error means Redis is not answering (→ 503 STORE_UNAVAILABLE), as opposed to a bug
 * such as a script error, which must stay a 500.
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (UNAVAILABLE_NAMES.has(err.name)) return true;
  if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(err.message))) return true;
  if (UNAVAILABLE_REPLIES.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== err && isRedisUnavailable(err.cause);
}
