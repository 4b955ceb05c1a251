import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { generateEs256PrivateKeyPem } from '@foyer/tokens';
import { deleteKeys } from '../../test/support/services.js';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/0';
const DEFAULT_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * What one run uses and gives back at the end: a key prefix of its own on the Redis server (never
 * FLUSHDB: the server may be shared), a database created for the run (or the embedded one), a
 * temporary directory, and secrets every process of the run shares.
 */
export interface BenchBacking {
  redisUrl: string;
  keyPrefix: string;
  /** A connection for the runner's own reads and seeding (the worker profile: it waits out hiccups). */
  redis: Redis;
  /** PostgreSQL database of this run, or null: embedded PGlite (one process only). */
  databaseUrl: string | null;
  databaseDescription: string;
  dir: string;
  adminApiKey: string;
  ticketSecret: string;
  /** The environment every Foyer process of the run gets (roles and port come on top). */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export async function createBacking(): Promise<BenchBacking> {
  const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  await redis.ping();
  const keyPrefix = `bench:${randomBytes(4).toString('hex')}:`;
  const dir = mkdtempSync(join(tmpdir(), 'foyer-bench-'));
  const database = await createDatabase(process.env.BENCH_POSTGRES_URL || DEFAULT_POSTGRES_URL);
  const adminApiKey = randomBytes(24).toString('base64url');
  const ticketSecret = randomBytes(32).toString('base64url');

  const env: Record<string, string> = {
    NODE_ENV: 'development',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    FOYER_DATA_DIR: join(dir, 'data'),
    ADMIN_API_KEY: adminApiKey,
    TICKET_SECRET: ticketSecret,
    TOKEN_PRIVATE_KEY: generateEs256PrivateKeyPem(),
    CALLBACK_SIGNING_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
    // The callbacks step delivers to a receiver on this machine.
    CALLBACK_ALLOW_PRIVATE: 'true',
    LOG_LEVEL: 'warn',
    ...(database ? { DATABASE_URL: database.url } : {}),
  };

  return {
    redisUrl,
    keyPrefix,
    redis,
    databaseUrl: database?.url ?? null,
    databaseDescription: database?.description ?? 'embedded PGlite (no PostgreSQL reachable)',
    dir,
    adminApiKey,
    ticketSecret,
    env,
    async dispose() {
      await deleteKeys(redis, keyPrefix);
      await redis.quit();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createDatabase(adminUrl: string): Promise<{ url: string; description: string; drop(): Promise<void> } | null> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `foyer_bench_${randomBytes(4).toString('hex')}`;
  try {
    const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      url: url.href,
      description: `PostgreSQL ${version.split(' ')[0]} (database ${name}, dropped after the run)`,
      async drop() {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  } finally {
    await admin.end();
  }
}
