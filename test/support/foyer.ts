import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type FoyerConfig } from '@foyer/config';
import { createFoyerHttpApp } from '@foyer/composition';
import { HttpClient } from './http.js';
import { LocalRedisCluster, masterRotation, type RedisClusterOptions } from './redis-cluster.js';
import { createRedisPrefix, createTempDir, createTestDatabase, REDIS_URL, uniqueName } from './services.js';

/**
 * `redis-cluster`: a Redis Cluster of three masters and three replicas of the test file's own
 * (`REDIS_CLUSTER_NODES`), started by `createBacking` and stopped by `dispose`. Not in
 * `STORE_MODES`: files run a chosen part of their tests on it, with events spread over every master.
 */
export type StoreMode = 'redis' | 'embedded' | 'redis-cluster';
export const STORE_MODES: StoreMode[] = ['redis', 'embedded'];
export const ADMIN_KEY = 'test-admin-key';
export const ENTRY_TOKEN_SECRET = 'test-entry-token-secret-of-enough-length';

/** Where an app keeps its state: removed by `dispose`, kept across restarts of the app. */
export interface FoyerBacking {
  mode: StoreMode;
  env: Record<string, string>;
  /** The backing's own Redis Cluster (mode `redis-cluster`). */
  cluster?: LocalRedisCluster;
  /**
   * A fresh event id starting with `label`; on a cluster, each next one on the next master, so
   * a file's events land on all three.
   */
  eventId(label: string): string;
  dispose(): Promise<void>;
}

export async function createBacking(mode: StoreMode, extraEnv: Record<string, string> = {}, clusterOptions: RedisClusterOptions = {}): Promise<FoyerBacking> {
  const dataDir = createTempDir();
  const env: Record<string, string> = {
    FOYER_DATA_DIR: dataDir.path,
    ADMIN_API_KEY: ADMIN_KEY,
    ENTRY_TOKEN_SECRET,
    SCHEDULER_TICK_MS: '100',
    LOG_LEVEL: 'error',
    ...extraEnv,
  };
  if (mode === 'embedded') {
    return { mode, env, eventId: uniqueName, dispose: async () => dataDir.remove() };
  }
  const ownCluster = mode === 'redis-cluster' ? await LocalRedisCluster.start(clusterOptions) : undefined;
  if (ownCluster) env.REDIS_CLUSTER_NODES = ownCluster.nodesEnv;
  const database = await createTestDatabase();
  const redis = createRedisPrefix();
  env.DATABASE_URL = database.url;
  // A test's own Redis Cluster (REDIS_CLUSTER_NODES in extraEnv) is thrown away whole; the shared Redis is cleaned by prefix.
  const onCluster = env.REDIS_CLUSTER_NODES !== undefined;
  if (!onCluster) env.REDIS_URL = REDIS_URL;
  env.REDIS_KEY_PREFIX = redis.prefix;
  return {
    mode,
    env,
    cluster: ownCluster,
    eventId: ownCluster ? await masterRotation(ownCluster) : uniqueName,
    async dispose() {
      if (!onCluster) await redis.cleanup();
      await ownCluster?.stop();
      await database.drop();
      dataDir.remove();
    },
  };
}

export interface RunningFoyer {
  app: NestFastifyApplication;
  config: FoyerConfig;
  url: string;
  http: HttpClient;
  close(): Promise<void>;
}

/** Starts the real app in this process on a free port, speaking HTTP. */
export async function startFoyer(backing: FoyerBacking, env: Record<string, string> = {}): Promise<RunningFoyer> {
  const config = loadConfig({ ...backing.env, ...env });
  const app = await createFoyerHttpApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return { app, config, url, http: new HttpClient(url), close: () => app.close() };
}

/** Admin helpers over HTTP. */
export function admin(http: HttpClient) {
  const token = ADMIN_KEY;
  return {
    createEvent: (body: Record<string, unknown>) => http.post('/v1/admin/events', body, { token }),
    patchEvent: (eventId: string, body: Record<string, unknown>) => http.patch(`/v1/admin/events/${eventId}`, body, { token }),
    getEvent: (eventId: string) => http.get(`/v1/admin/events/${eventId}`, { token }),
    deleteEvent: (eventId: string) => http.delete(`/v1/admin/events/${eventId}`, { token }),
    journal: (query: string) => http.get(`/v1/admin/journal?${query}`, { token }),
  };
}
