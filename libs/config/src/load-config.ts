import { resolve } from 'node:path';
import { parseEs256PrivateKey, parseEs256PublicKey, splitPemBlocks } from '@foyer/tokens';
import { ConfigError } from './config-error.js';
import { loadDevSecrets, type DevSecrets } from './dev-secrets.js';
import { EnvReader } from './env-reader.js';
import { LOG_LEVELS, ROLES, type ClusterAuth, type FoyerConfig, type Role } from './foyer-config.js';

/** Production secrets shorter than this are refused: 32 bytes is HS256's minimum key size (RFC 7518 §3.2). */
const MIN_PRODUCTION_SECRET_BYTES = 32;
const MIN_PRODUCTION_ADMIN_KEY_LENGTH = 16;
const STANDARD_WEBHOOKS_SECRET = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;
/** Replicas per master WAIT may ask for: more than any deployment runs. */
const MAX_WAIT_REPLICAS = 16;
/**
 * A WAIT holds the shared connection of its master (every request to that master waits behind it),
 * so it must give up well before the API's 3 s command timeout turns that wait into 503s for all.
 */
const MAX_WAIT_TIMEOUT_MS = 2_000;
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/[\]@]+)):(\d{1,5})$/;

/**
 * Reads and validates the environment once (API.md, "Configuration"). Throws one `ConfigError`
 * naming every bad variable. The only reader of `process.env` in Foyer.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): FoyerConfig {
  const read = new EnvReader(env);
  const production = read.text('NODE_ENV') === 'production';
  const port = read.int('PORT', 3000, { min: 0, max: 65_535 });
  const publicUrl = readPublicUrl(read, port);
  const redis = readRedis(read);
  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:'])?.href ?? null;
  const queueStore = { kind: redis.url === null && redis.clusterNodes === null ? 'embedded' : 'redis' } as const;
  const database = { kind: databaseUrl === null ? 'embedded' : 'postgres' } as const;
  const dataDir = resolve(read.text('FOYER_DATA_DIR') ?? './.data');
  const given = readGivenSecrets(read, production);
  const entryTokenSecret = read.secret('ENTRY_TOKEN_SECRET') ?? null;
  if (production && entryTokenSecret !== null) requireBytes(read, 'ENTRY_TOKEN_SECRET', entryTokenSecret);
  const entryTokenMaxTtlSec = read.int('ENTRY_TOKEN_MAX_TTL_SEC', 86_400, { min: 1, max: 31_536_000 });
  const tokenPublicKeysPem = readPublicKeys(read);
  const callbacks = {
    allowPrivate: read.bool('CALLBACK_ALLOW_PRIVATE', false),
    maxAttempts: read.int('CALLBACK_MAX_ATTEMPTS', 8, { min: 1, max: 100 }),
    retryBaseMs: read.int('CALLBACK_RETRY_BASE_MS', 1000, { min: 1, max: 3_600_000 }),
    timeoutMs: read.int('CALLBACK_TIMEOUT_MS', 10_000, { min: 1, max: 600_000 }),
    concurrency: read.int('CALLBACK_CONCURRENCY', 32, { min: 1, max: 1024 }),
  };
  const schedulerTickMs = read.int('SCHEDULER_TICK_MS', 1000, { min: 10, max: 60_000 });
  const enterRateLimitPerMin = read.int('ENTER_RATE_LIMIT_PER_MIN', 0, { min: 0, max: 1_000_000 });
  const trustProxyHops = read.int('TRUST_PROXY_HOPS', 0, { min: 0, max: 32 });
  const corsOrigins = readCorsOrigins(read);
  const journalRetentionDays = read.int('JOURNAL_RETENTION_DAYS', 30, { min: 1, max: 36_500 });
  const callbackRetentionDays = read.int('CALLBACK_RETENTION_DAYS', 7, { min: 1, max: 36_500 });
  const http = readHttpTimeouts(read);
  const roles = readRoles(read);
  const logLevel = read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');

  if (production) refuseEmbedded(read, queueStore.kind, database.kind, given);
  if (read.problems.length > 0) throw new ConfigError(read.problems);

  // Only now, with nothing else wrong, touch the disk.
  const missing = Object.values(given).some((value) => value === undefined);
  const generated: DevSecrets | undefined = missing ? loadDevSecrets(dataDir) : undefined;

  return {
    production,
    port,
    publicUrl,
    redis,
    queueStore,
    databaseUrl,
    database,
    dataDir,
    adminApiKey: given.adminApiKey ?? generated!.adminApiKey,
    adminApiKeyGenerated: given.adminApiKey === undefined,
    tokenPrivateKeyPem: given.tokenPrivateKeyPem ?? generated!.tokenPrivateKeyPem,
    tokenPublicKeysPem,
    ticketSecret: given.ticketSecret ?? generated!.ticketSecret,
    entryTokenSecret,
    entryTokenMaxTtlSec,
    http,
    callbacks: { signingSecret: given.callbackSigningSecret ?? generated!.callbackSigningSecret, ...callbacks },
    schedulerTickMs,
    enterRateLimitPerMin,
    trustProxyHops,
    corsOrigins,
    journalRetentionDays,
    callbackRetentionDays,
    roles,
    logLevel,
  };
}

/**
 * A slow client (a body sent a byte at a time) holds a connection and its parser; these bound it.
 * Node answers 408 when one runs out. Headers come first, so their bound cannot exceed the whole's.
 */
function readHttpTimeouts(read: EnvReader): FoyerConfig['http'] {
  const headersTimeoutMs = read.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 });
  const requestTimeoutMs = read.int('HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 3_600_000 });
  if (headersTimeoutMs > requestTimeoutMs) read.problem('HTTP_HEADERS_TIMEOUT_MS', 'must not exceed HTTP_REQUEST_TIMEOUT_MS');
  return { headersTimeoutMs, requestTimeoutMs };
}

function readPublicUrl(read: EnvReader, port: number): string {
  const fallback = `http://localhost:${port}`;
  const url = read.url('FOYER_PUBLIC_URL', ['http:', 'https:']);
  if (url === undefined) return fallback;
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    read.problem('FOYER_PUBLIC_URL', 'must be a base URL without credentials, query or fragment');
    return fallback;
  }
  return url.href.replace(/\/+$/, '');
}

function readRedis(read: EnvReader): FoyerConfig['redis'] {
  const url = read.url('REDIS_URL', ['redis:', 'rediss:'])?.href ?? null;
  const nodes = read.list('REDIS_CLUSTER_NODES');
  let clusterNodes: { host: string; port: number }[] | null = null;
  let clusterAuth: ClusterAuth | null = null;
  if (nodes !== undefined) {
    clusterNodes = [];
    for (const [index, node] of nodes.entries()) {
      const parsed = parseClusterNode(node);
      if (parsed === null) {
        // A URL entry may carry a password: never echo it.
        const shown = /^rediss?:/i.test(node) ? `entry ${index + 1} (a URL)` : JSON.stringify(node);
        read.problem('REDIS_CLUSTER_NODES', `must be host:port or redis[s]://[user:password@]host:port entries separated by commas, got ${shown}`);
        continue;
      }
      clusterNodes.push(parsed.node);
      if (parsed.auth === null) continue;
      if (clusterAuth !== null && !sameAuth(clusterAuth, parsed.auth)) {
        read.problem('REDIS_CLUSTER_NODES', 'the URL entries name different schemes or credentials: every node of a cluster takes the same ones');
      }
      clusterAuth ??= parsed.auth;
    }
    if (nodes.length === 0) read.problem('REDIS_CLUSTER_NODES', 'names no host:port');
  }
  if (url !== null && clusterNodes !== null) {
    read.problem('REDIS_CLUSTER_NODES', 'set either REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  const keyPrefix = read.text('REDIS_KEY_PREFIX') ?? 'foyer:';
  if (/[{}]/.test(keyPrefix)) {
    // Braces would take over the per-event hash tag and put every event in one Cluster slot.
    read.problem('REDIS_KEY_PREFIX', `must not contain { or }, got ${JSON.stringify(keyPrefix)}`);
  }
  const waitReplicas = read.int('REDIS_WAIT_REPLICAS', 0, { min: 0, max: MAX_WAIT_REPLICAS });
  const waitTimeoutMs = read.int('REDIS_WAIT_TIMEOUT_MS', 500, { min: 1, max: MAX_WAIT_TIMEOUT_MS });
  if (waitReplicas > 0 && url === null && clusterNodes === null) {
    read.problem('REDIS_WAIT_REPLICAS', 'needs REDIS_URL or REDIS_CLUSTER_NODES: the embedded in-memory queue has no replicas to wait for');
  }
  return { url, clusterNodes, clusterAuth, keyPrefix, waitReplicas, waitTimeoutMs };
}

/**
 * One entry of REDIS_CLUSTER_NODES: `host:port`, or a URL (`redis://` or, for TLS, `rediss://`)
 * whose user and password, if any, are the cluster's (managed clusters with AUTH or in-transit
 * encryption). `null` when it is neither.
 */
function parseClusterNode(entry: string): { node: { host: string; port: number }; auth: ClusterAuth | null } | null {
  if (/^rediss?:\/\//i.test(entry)) {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      return null;
    }
    const port = url.port === '' ? 6379 : Number(url.port);
    if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') return null;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const auth: ClusterAuth = {
      username: url.username === '' ? null : decodeURIComponent(url.username),
      password: url.password === '' ? null : decodeURIComponent(url.password),
      tls: url.protocol.toLowerCase() === 'rediss:',
    };
    return { node: { host, port }, auth };
  }
  const match = HOST_PORT.exec(entry);
  const port = match ? Number(match[3]) : 0;
  if (!match || port < 1 || port > 65_535) return null;
  return { node: { host: match[1] ?? match[2], port }, auth: null };
}

function sameAuth(a: ClusterAuth, b: ClusterAuth): boolean {
  return a.username === b.username && a.password === b.password && a.tls === b.tls;
}

type GivenSecrets = { [K in keyof DevSecrets]: string | undefined };

function readGivenSecrets(read: EnvReader, production: boolean): GivenSecrets {
  const adminApiKey = read.secret('ADMIN_API_KEY');
  if (adminApiKey !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(adminApiKey)) {
      read.problem('ADMIN_API_KEY', 'must be printable ASCII without spaces (it is sent as a Bearer token)');
    } else if (production && adminApiKey.length < MIN_PRODUCTION_ADMIN_KEY_LENGTH) {
      read.problem('ADMIN_API_KEY', `must be at least ${MIN_PRODUCTION_ADMIN_KEY_LENGTH} characters in production`);
    }
  }

  const tokenPrivateKeyPem = readPem(read, 'TOKEN_PRIVATE_KEY');
  if (tokenPrivateKeyPem !== undefined) {
    try {
      parseEs256PrivateKey(tokenPrivateKeyPem);
    } catch (error) {
      read.problem('TOKEN_PRIVATE_KEY', (error as Error).message);
    }
  }

  const ticketSecret = read.secret('TICKET_SECRET');
  if (production && ticketSecret !== undefined) requireBytes(read, 'TICKET_SECRET', ticketSecret);

  const callbackSigningSecret = read.secret('CALLBACK_SIGNING_SECRET')?.trim();
  if (callbackSigningSecret !== undefined) {
    const base64 = STANDARD_WEBHOOKS_SECRET.exec(callbackSigningSecret)?.[1];
    const bytes = base64 === undefined ? 0 : Buffer.from(base64, 'base64').length;
    if (bytes < 24 || bytes > 64) {
      read.problem('CALLBACK_SIGNING_SECRET', 'must be "whsec_" followed by the base64 of 24 to 64 random bytes');
    }
  }
  return { adminApiKey, tokenPrivateKeyPem, ticketSecret, callbackSigningSecret };
}

/** A PEM from the environment; `\n` escapes are accepted where a platform cannot hold newlines. */
function readPem(read: EnvReader, name: string): string | undefined {
  const value = read.text(name);
  if (value === undefined) return undefined;
  return value.includes('\n') ? value : value.replace(/\\n/g, '\n');
}

function readPublicKeys(read: EnvReader): string[] {
  const text = readPem(read, 'TOKEN_PUBLIC_KEYS');
  if (text === undefined) return [];
  const blocks = splitPemBlocks(text);
  if (blocks.length === 0 || blocks.reduce((rest, block) => rest.replace(block, ''), text).trim() !== '') {
    read.problem('TOKEN_PUBLIC_KEYS', 'must be PEM public keys, concatenated, and nothing else');
    return [];
  }
  blocks.forEach((block, index) => {
    try {
      parseEs256PublicKey(block);
    } catch (error) {
      read.problem('TOKEN_PUBLIC_KEYS', `key ${index + 1} ${(error as Error).message}`);
    }
  });
  return blocks;
}

function readCorsOrigins(read: EnvReader): '*' | string[] {
  const entries = read.list('CORS_ORIGINS');
  if (entries === undefined || (entries.length === 1 && entries[0] === '*')) return '*';
  const origins: string[] = [];
  for (const entry of entries) {
    let origin: string | undefined;
    try {
      const url = new URL(entry);
      if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.replace(/\/$/, '')) origin = url.origin;
    } catch {
      origin = undefined;
    }
    if (origin === undefined) {
      read.problem('CORS_ORIGINS', `must be * or origins (scheme://host[:port]) separated by commas, got ${JSON.stringify(entry)}`);
    } else {
      origins.push(origin);
    }
  }
  if (entries.length === 0) read.problem('CORS_ORIGINS', 'names no origin');
  return origins;
}

function readRoles(read: EnvReader): ReadonlySet<Role> {
  const entries = read.list('FOYER_ROLES');
  if (entries === undefined) return new Set(ROLES);
  const unknown = entries.filter((entry) => !(ROLES as readonly string[]).includes(entry));
  if (unknown.length > 0 || entries.length === 0) {
    read.problem('FOYER_ROLES', `must be some of ${ROLES.join(', ')} separated by commas, got ${JSON.stringify(entries.join(','))}`);
    return new Set(ROLES);
  }
  return new Set(entries as Role[]);
}

function requireBytes(read: EnvReader, name: string, secret: string): void {
  if (Buffer.byteLength(secret, 'utf8') < MIN_PRODUCTION_SECRET_BYTES) {
    read.problem(name, `must be at least ${MIN_PRODUCTION_SECRET_BYTES} bytes in production`);
  }
}

function refuseEmbedded(read: EnvReader, queueStore: FoyerConfig['queueStore']['kind'], database: FoyerConfig['database']['kind'], given: GivenSecrets): void {
  if (queueStore === 'embedded' && !read.isBad('REDIS_URL') && !read.isBad('REDIS_CLUSTER_NODES')) {
    read.problem(
      'REDIS_URL',
      'required in production (or REDIS_CLUSTER_NODES): the embedded in-memory queue lives in one process, so replicas would each keep their own line',
    );
  }
  if (database === 'embedded' && !read.isBad('DATABASE_URL')) {
    read.problem('DATABASE_URL', 'required in production: the embedded PGlite database is for development only');
  }
  const secrets: [keyof GivenSecrets, string][] = [
    ['adminApiKey', 'ADMIN_API_KEY'],
    ['tokenPrivateKeyPem', 'TOKEN_PRIVATE_KEY'],
    ['ticketSecret', 'TICKET_SECRET'],
    ['callbackSigningSecret', 'CALLBACK_SIGNING_SECRET'],
  ];
  for (const [field, name] of secrets) {
    if (given[field] === undefined) {
      read.problem(name, 'required in production: generated secrets are for development only, and every instance must share it');
    }
  }
}
