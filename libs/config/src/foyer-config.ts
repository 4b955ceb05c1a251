export const ROLES = ['api', 'scheduler', 'dispatcher'] as const;
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The whole configuration, read and validated once at start (see API.md, "Configuration"). */
export interface FoyerConfig {
  /** `NODE_ENV=production`: no embedded stores, no generated secrets. */
  production: boolean;
  port: number;
  /** No trailing slash; the successToken issuer. */
  publicUrl: string;
  redis: {
    /** `null` with `clusterNodes` also `null`: the embedded in-memory store. */
    url: string | null;
    clusterNodes: { host: string; port: number }[] | null;
    /** From URL entries of REDIS_CLUSTER_NODES: the credentials and TLS every node takes; `null`: none. */
    clusterAuth: ClusterAuth | null;
    keyPrefix: string;
    /**
     * `REDIS_WAIT_REPLICAS`: the scripts that queue or admit answer only once `WAIT` counts this many
     * replicas holding them (0: no WAIT). Redis only.
     */
    waitReplicas: number;
    /** `REDIS_WAIT_TIMEOUT_MS`: how long one WAIT may hold its connection. */
    waitTimeoutMs: number;
  };
  /**
   * Which queue store serves, decided here once: Redis (`REDIS_URL` or `REDIS_CLUSTER_NODES`) or
   * the embedded in-memory one, which lives in this process.
   */
  queueStore: { kind: 'redis' | 'embedded' };
  /** `null`: the embedded PGlite database under `dataDir`. */
  databaseUrl: string | null;
  /** Which database, decided here once: PostgreSQL at `databaseUrl`, or the embedded PGlite. */
  database: { kind: 'postgres' | 'embedded' };
  /** Absolute. */
  dataDir: string;
  adminApiKey: string;
  /** The admin key came from `secrets.json`: print it at start so the developer can use it. */
  adminApiKeyGenerated: boolean;
  tokenPrivateKeyPem: string;
  /** Further public keys for the JWKS, one PEM each. */
  tokenPublicKeysPem: string[];
  ticketSecret: string;
  /** `null`: idTokens are refused and `SIGNED` events cannot be made. */
  entryTokenSecret: string | null;
  /** An idToken whose `exp` lies further ahead than this many seconds is refused. */
  entryTokenMaxTtlSec: number;
  /** How long a client may take to send its request: its headers, and the whole of it with the body. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number };
  callbacks: {
    /** `whsec_` + base64. */
    signingSecret: string;
    allowPrivate: boolean;
    maxAttempts: number;
    retryBaseMs: number;
    timeoutMs: number;
    concurrency: number;
  };
  schedulerTickMs: number;
  /** 0: off. */
  enterRateLimitPerMin: number;
  trustProxyHops: number;
  /** Origins without trailing slash. */
  corsOrigins: '*' | string[];
  journalRetentionDays: number;
  callbackRetentionDays: number;
  roles: ReadonlySet<Role>;
  logLevel: LogLevel;
}

/** How to reach every node of a Redis Cluster that asks for AUTH or TLS (managed clusters often do both). */
export interface ClusterAuth {
  username: string | null;
  password: string | null;
  tls: boolean;
}
