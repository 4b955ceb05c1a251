import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateEs256PrivateKeyPem, parseEs256PrivateKey } from '@foyer/tokens';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

const SIGNING_KEY = generateEs256PrivateKeyPem();
const GIVEN_SECRETS = {
  ADMIN_API_KEY: 'admin-key-0123456789abcdef',
  TOKEN_PRIVATE_KEY: SIGNING_KEY,
  TICKET_SECRET: 'ticket-secret-0123456789abcdef-0123456789',
  CALLBACK_SIGNING_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
};
const PRODUCTION = {
  NODE_ENV: 'production',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/foyer',
  ...GIVEN_SECRETS,
};

function publicPem(privatePem: string): string {
  return createPublicKey(privatePem).export({ format: 'pem', type: 'spki' }).toString();
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'foyer-config-')), 'nested', 'data');
  });

  afterEach(() => {
    rmSync(resolve(dataDir, '../..'), { recursive: true, force: true });
  });

  it('has the documented defaults', () => {
    const config = loadConfig({ FOYER_DATA_DIR: dataDir });
    expect(config).toMatchObject({
      production: false,
      port: 3000,
      publicUrl: 'http://localhost:3000',
      redis: { url: null, clusterNodes: null, keyPrefix: 'foyer:', waitReplicas: 0, waitTimeoutMs: 500 },
      queueStore: { kind: 'embedded' },
      databaseUrl: null,
      database: { kind: 'embedded' },
      dataDir,
      adminApiKeyGenerated: true,
      tokenPublicKeysPem: [],
      entryTokenSecret: null,
      callbacks: { allowPrivate: false, maxAttempts: 8, retryBaseMs: 1000, timeoutMs: 10_000, concurrency: 32 },
      schedulerTickMs: 1000,
      enterRateLimitPerMin: 0,
      trustProxyHops: 0,
      corsOrigins: '*',
      journalRetentionDays: 30,
      callbackRetentionDays: 7,
      logLevel: 'info',
    });
    expect([...config.roles]).toEqual(['api', 'scheduler', 'dispatcher']);
  });

  it('resolves the default data directory to ./.data, absolute', () => {
    // All secrets given: nothing is written to the working directory.
    expect(loadConfig({ ...GIVEN_SECRETS }).dataDir).toBe(resolve('.data'));
    expect(loadConfig({ ...GIVEN_SECRETS, FOYER_DATA_DIR: 'relative/dir' }).dataDir).toBe(resolve('relative/dir'));
  });

  it('derives the public URL from PORT', () => {
    const config = loadConfig({ ...GIVEN_SECRETS, PORT: '8080' });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
  });

  it('treats every empty or blank variable as unset', () => {
    const names = [
      'NODE_ENV',
      'PORT',
      'FOYER_PUBLIC_URL',
      'REDIS_URL',
      'REDIS_CLUSTER_NODES',
      'REDIS_KEY_PREFIX',
      'DATABASE_URL',
      'ADMIN_API_KEY',
      'TOKEN_PRIVATE_KEY',
      'TOKEN_PUBLIC_KEYS',
      'TICKET_SECRET',
      'ENTRY_TOKEN_SECRET',
      'CALLBACK_SIGNING_SECRET',
      'CALLBACK_ALLOW_PRIVATE',
      'CALLBACK_MAX_ATTEMPTS',
      'CALLBACK_RETRY_BASE_MS',
      'CALLBACK_TIMEOUT_MS',
      'CALLBACK_CONCURRENCY',
      'SCHEDULER_TICK_MS',
      'ENTER_RATE_LIMIT_PER_MIN',
      'TRUST_PROXY_HOPS',
      'CORS_ORIGINS',
      'JOURNAL_RETENTION_DAYS',
      'CALLBACK_RETENTION_DAYS',
      'FOYER_ROLES',
      'LOG_LEVEL',
    ];
    const empty = Object.fromEntries(names.map((name, index) => [name, index % 2 === 0 ? '' : '  ']));
    const defaults = loadConfig({ FOYER_DATA_DIR: dataDir });
    expect(loadConfig({ ...empty, FOYER_DATA_DIR: dataDir })).toEqual(defaults);
  });

  it('reads every variable when given', () => {
    const oldKey = generateEs256PrivateKeyPem();
    const config = loadConfig({
      ...GIVEN_SECRETS,
      PORT: '8080',
      FOYER_PUBLIC_URL: 'https://Queue.Example.com/foyer/',
      REDIS_CLUSTER_NODES: 'redis-a:7000, [::1]:7001,10.0.0.3:7002',
      REDIS_KEY_PREFIX: 'staging:',
      REDIS_WAIT_REPLICAS: '1',
      REDIS_WAIT_TIMEOUT_MS: '250',
      DATABASE_URL: 'postgresql://user:pw@db:5432/foyer',
      FOYER_DATA_DIR: dataDir,
      TOKEN_PRIVATE_KEY: SIGNING_KEY.replace(/\n/g, '\\n'),
      TOKEN_PUBLIC_KEYS: `${publicPem(oldKey)}\n${publicPem(generateEs256PrivateKeyPem())}`,
      ENTRY_TOKEN_SECRET: ' kept exactly, blanks included ',
      CALLBACK_ALLOW_PRIVATE: 'true',
      CALLBACK_MAX_ATTEMPTS: '3',
      CALLBACK_RETRY_BASE_MS: '50',
      CALLBACK_TIMEOUT_MS: '2000',
      CALLBACK_CONCURRENCY: '4',
      SCHEDULER_TICK_MS: '250',
      ENTER_RATE_LIMIT_PER_MIN: '120',
      TRUST_PROXY_HOPS: '1',
      CORS_ORIGINS: 'https://shop.example, http://localhost:5173/',
      JOURNAL_RETENTION_DAYS: '90',
      CALLBACK_RETENTION_DAYS: '1',
      FOYER_ROLES: 'scheduler,dispatcher',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      publicUrl: 'https://queue.example.com/foyer',
      redis: {
        url: null,
        clusterNodes: [
          { host: 'redis-a', port: 7000 },
          { host: '::1', port: 7001 },
          { host: '10.0.0.3', port: 7002 },
        ],
        keyPrefix: 'staging:',
        waitReplicas: 1,
        waitTimeoutMs: 250,
      },
      queueStore: { kind: 'redis' },
      databaseUrl: 'postgresql://user:pw@db:5432/foyer',
      database: { kind: 'postgres' },
      adminApiKey: GIVEN_SECRETS.ADMIN_API_KEY,
      adminApiKeyGenerated: false,
      ticketSecret: GIVEN_SECRETS.TICKET_SECRET,
      entryTokenSecret: ' kept exactly, blanks included ',
      callbacks: {
        signingSecret: GIVEN_SECRETS.CALLBACK_SIGNING_SECRET,
        allowPrivate: true,
        maxAttempts: 3,
        retryBaseMs: 50,
        timeoutMs: 2000,
        concurrency: 4,
      },
      schedulerTickMs: 250,
      enterRateLimitPerMin: 120,
      trustProxyHops: 1,
      corsOrigins: ['https://shop.example', 'http://localhost:5173'],
      journalRetentionDays: 90,
      callbackRetentionDays: 1,
      logLevel: 'debug',
    });
    expect(parseEs256PrivateKey(config.tokenPrivateKeyPem).type).toBe('private');
    expect(config.tokenPublicKeysPem).toHaveLength(2);
    expect(createPublicKey(config.tokenPublicKeysPem[0]).export({ format: 'jwk' })).toEqual(createPublicKey(oldKey).export({ format: 'jwk' }));
    expect([...config.roles].sort()).toEqual(['dispatcher', 'scheduler']);
    // Every secret was given: nothing was generated or written.
    expect(existsSync(dataDir)).toBe(false);
  });

  it('reports every invalid variable at once, by name', () => {
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const invalid: Record<string, string> = {
      PORT: '3000abc',
      FOYER_PUBLIC_URL: 'ftp://files.example',
      REDIS_URL: 'http://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'app{1}:',
      DATABASE_URL: 'mysql://db/foyer',
      ADMIN_API_KEY: 'has spaces in it',
      TOKEN_PRIVATE_KEY: rsaKey,
      TOKEN_PUBLIC_KEYS: 'not a pem',
      CALLBACK_SIGNING_SECRET: 'plain-secret',
      CALLBACK_ALLOW_PRIVATE: 'yes',
      CALLBACK_MAX_ATTEMPTS: '0',
      CALLBACK_RETRY_BASE_MS: '1.5',
      CALLBACK_TIMEOUT_MS: '-1',
      CALLBACK_CONCURRENCY: 'many',
      SCHEDULER_TICK_MS: '1e3',
      ENTER_RATE_LIMIT_PER_MIN: '-5',
      TRUST_PROXY_HOPS: '999',
      CORS_ORIGINS: 'shop.example',
      JOURNAL_RETENTION_DAYS: '0',
      CALLBACK_RETENTION_DAYS: 'a week',
      FOYER_ROLES: 'api,web',
      LOG_LEVEL: 'verbose',
    };
    const problems = problemsOf({ ...invalid, FOYER_DATA_DIR: dataDir });
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(':'))).sort()).toEqual(Object.keys(invalid).sort());
    expect(problems).toContain('PORT: must be an integer from 0 to 65535, got "3000abc"');
    expect(problems).toContain('TOKEN_PRIVATE_KEY: is a rsa key, ES256 needs an EC P-256 key');
    // Nothing is written while the configuration is wrong, and secrets are never echoed.
    expect(existsSync(dataDir)).toBe(false);
    expect(problems.join('\n')).not.toContain('has spaces in it');
  });

  it('throws one ConfigError whose message lists every problem', () => {
    let thrown: unknown;
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud', FOYER_DATA_DIR: dataDir });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const { message, problems } = thrown as ConfigError;
    expect(problems).toHaveLength(2);
    expect(message).toContain('2 problems');
    for (const problem of problems) expect(message).toContain(problem);
  });

  it('checks ranges at both ends', () => {
    expect(loadConfig({ ...GIVEN_SECRETS, PORT: '65535', TRUST_PROXY_HOPS: '32' })).toMatchObject({ port: 65535, trustProxyHops: 32 });
    expect(problemsOf({ ...GIVEN_SECRETS, PORT: '65536', TRUST_PROXY_HOPS: '33' })).toHaveLength(2);
  });

  it('reads the HTTP timeouts and the idToken lifetime bound, headers no longer than the whole request', () => {
    const defaults = loadConfig(GIVEN_SECRETS);
    expect({ http: defaults.http, ttl: defaults.entryTokenMaxTtlSec }).toEqual({ http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 }, ttl: 86_400 });
    const given = loadConfig({ ...GIVEN_SECRETS, HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '2000', ENTRY_TOKEN_MAX_TTL_SEC: '600' });
    expect({ http: given.http, ttl: given.entryTokenMaxTtlSec }).toEqual({ http: { headersTimeoutMs: 500, requestTimeoutMs: 2000 }, ttl: 600 });
    expect(problemsOf({ ...GIVEN_SECRETS, HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' })).toEqual([
      'HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS',
    ]);
    expect(problemsOf({ ...GIVEN_SECRETS, ENTRY_TOKEN_MAX_TTL_SEC: '0' })).toHaveLength(1);
  });

  it('refuses malformed Redis settings', () => {
    expect(problemsOf({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: 'a:7000,b' })).toEqual([
      'REDIS_CLUSTER_NODES: must be host:port or redis[s]://[user:password@]host:port entries separated by commas, got "b"',
    ]);
    expect(problemsOf({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: 'a:0' })).toHaveLength(1);
    expect(problemsOf({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: ',' })).toEqual(['REDIS_CLUSTER_NODES: names no host:port']);
    expect(problemsOf({ ...GIVEN_SECRETS, REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'a:7000' })).toEqual([
      'REDIS_CLUSTER_NODES: set either REDIS_URL or REDIS_CLUSTER_NODES, not both',
    ]);
    expect(loadConfig({ ...GIVEN_SECRETS, REDIS_URL: 'rediss://:pw@r.example:6380/2' }).redis.url).toBe('rediss://:pw@r.example:6380/2');
  });

  it("takes a managed cluster's credentials and TLS from URL entries of REDIS_CLUSTER_NODES, never echoing a password", () => {
    const redis = loadConfig({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: 'rediss://default:s%40cret@c1.example:6380,c2.example:6380,[::1]:7000' }).redis;
    expect(redis.clusterNodes).toEqual([
      { host: 'c1.example', port: 6380 },
      { host: 'c2.example', port: 6380 },
      { host: '::1', port: 7000 },
    ]);
    expect(redis.clusterAuth).toEqual({ username: 'default', password: 's@cret', tls: true });
    expect(loadConfig({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: 'redis://:pw@a:7000,redis://:pw@b:7000' }).redis.clusterAuth).toEqual({
      username: null,
      password: 'pw',
      tls: false,
    });
    expect(loadConfig({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: 'a:7000' }).redis.clusterAuth).toBeNull();
    expect(problemsOf({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: 'redis://:one@a:7000,rediss://:two@b:7000' })).toEqual([
      'REDIS_CLUSTER_NODES: the URL entries name different schemes or credentials: every node of a cluster takes the same ones',
    ]);
    const problems = problemsOf({ ...GIVEN_SECRETS, REDIS_CLUSTER_NODES: 'a:7000,redis://:hunter2@b:7000/3' });
    expect(problems).toEqual([
      'REDIS_CLUSTER_NODES: must be host:port or redis[s]://[user:password@]host:port entries separated by commas, got entry 2 (a URL)',
    ]);
  });

  it('refuses REDIS_WAIT_REPLICAS on the embedded store, which has no replicas, and WAIT timeouts near the command timeout', () => {
    expect(problemsOf({ ...GIVEN_SECRETS, REDIS_WAIT_REPLICAS: '1' })).toEqual([
      'REDIS_WAIT_REPLICAS: needs REDIS_URL or REDIS_CLUSTER_NODES: the embedded in-memory queue has no replicas to wait for',
    ]);
    expect(loadConfig({ ...GIVEN_SECRETS, REDIS_WAIT_REPLICAS: '0' }).redis.waitReplicas).toBe(0);
    expect(problemsOf({ ...GIVEN_SECRETS, REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: '-1', REDIS_WAIT_TIMEOUT_MS: '2001' })).toEqual([
      'REDIS_WAIT_REPLICAS: must be an integer from 0 to 16, got "-1"',
      'REDIS_WAIT_TIMEOUT_MS: must be an integer from 1 to 2000, got "2001"',
    ]);
  });

  it('never echoes URL credentials in a problem', () => {
    const [problem] = problemsOf({ ...GIVEN_SECRETS, DATABASE_URL: 'mysql://root:hunter2@db/foyer' });
    expect(problem).toMatch(/^DATABASE_URL: /);
    expect(problem).not.toContain('hunter2');
  });

  it('refuses a public URL with a query, fragment or credentials', () => {
    for (const url of ['https://q.example/?a=1', 'https://q.example/#x', 'https://u:p@q.example']) {
      expect(problemsOf({ ...GIVEN_SECRETS, FOYER_PUBLIC_URL: url })).toEqual(['FOYER_PUBLIC_URL: must be a base URL without credentials, query or fragment']);
    }
  });

  it('refuses a public key list with anything but P-256 public keys', () => {
    const good = publicPem(generateEs256PrivateKeyPem());
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(problemsOf({ ...GIVEN_SECRETS, TOKEN_PUBLIC_KEYS: `${good}${rsa}` })).toEqual([
      'TOKEN_PUBLIC_KEYS: key 2 is a rsa key, ES256 needs an EC P-256 key',
    ]);
    expect(problemsOf({ ...GIVEN_SECRETS, TOKEN_PUBLIC_KEYS: `${good}trailing junk` })).toHaveLength(1);
  });

  it('accepts CORS_ORIGINS=* alone, not mixed with origins', () => {
    expect(loadConfig({ ...GIVEN_SECRETS, CORS_ORIGINS: ' * ' }).corsOrigins).toBe('*');
    expect(problemsOf({ ...GIVEN_SECRETS, CORS_ORIGINS: '*,https://a.example' })).toHaveLength(1);
    expect(problemsOf({ ...GIVEN_SECRETS, CORS_ORIGINS: 'https://a.example/path' })).toHaveLength(1);
  });

  describe('in production', () => {
    it('refuses the embedded stores and every generated secret, one message per variable', () => {
      const problems = problemsOf({ NODE_ENV: 'production', FOYER_DATA_DIR: dataDir });
      expect(problems.map((problem) => problem.slice(0, problem.indexOf(':'))).sort()).toEqual([
        'ADMIN_API_KEY',
        'CALLBACK_SIGNING_SECRET',
        'DATABASE_URL',
        'REDIS_URL',
        'TICKET_SECRET',
        'TOKEN_PRIVATE_KEY',
      ]);
      for (const problem of problems) expect(problem).toMatch(/required in production/);
      expect(problems.find((problem) => problem.startsWith('REDIS_URL'))).toContain('REDIS_CLUSTER_NODES');
      expect(existsSync(dataDir)).toBe(false);
    });

    it('refuses secrets that exist only in a development secrets file', () => {
      loadConfig({ FOYER_DATA_DIR: dataDir });
      expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);
      const { ADMIN_API_KEY: _omitted, ...withoutAdminKey } = PRODUCTION;
      expect(problemsOf({ ...withoutAdminKey, FOYER_DATA_DIR: dataDir })).toEqual([expect.stringMatching(/^ADMIN_API_KEY: required in production/)]);
    });

    it('does not call a bad store URL missing as well', () => {
      expect(problemsOf({ ...PRODUCTION, REDIS_URL: 'nope', DATABASE_URL: 'nope' })).toHaveLength(2);
    });

    it('accepts a complete configuration, with Redis or a Redis Cluster', () => {
      const config = loadConfig({ ...PRODUCTION, FOYER_DATA_DIR: dataDir });
      expect(config).toMatchObject({ production: true, adminApiKeyGenerated: false, databaseUrl: PRODUCTION.DATABASE_URL });
      expect(config.redis.url).toBe('redis://127.0.0.1:6379/0');
      const { REDIS_URL: _url, ...clusterEnv } = PRODUCTION;
      expect(loadConfig({ ...clusterEnv, REDIS_CLUSTER_NODES: 'r1:7000,r2:7000' }).redis.clusterNodes).toHaveLength(2);
      expect(existsSync(dataDir)).toBe(false);
    });

    it('refuses short secrets', () => {
      const problems = problemsOf({ ...PRODUCTION, ADMIN_API_KEY: 'short', TICKET_SECRET: 'short', ENTRY_TOKEN_SECRET: 'short' });
      expect(problems.map((problem) => problem.slice(0, problem.indexOf(':'))).sort()).toEqual(['ADMIN_API_KEY', 'ENTRY_TOKEN_SECRET', 'TICKET_SECRET']);
    });
  });

  describe('generated secrets', () => {
    it('are made once, kept with mode 0600 and reused on the next start', () => {
      const first = loadConfig({ FOYER_DATA_DIR: dataDir });
      const file = join(dataDir, 'secrets.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        adminApiKey: first.adminApiKey,
        tokenPrivateKeyPem: first.tokenPrivateKeyPem,
        ticketSecret: first.ticketSecret,
        callbackSigningSecret: first.callbacks.signingSecret,
      });
      expect(first.adminApiKeyGenerated).toBe(true);
      expect(first.adminApiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(first.ticketSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(first.callbacks.signingSecret.replace(/^whsec_/, ''), 'base64')).toHaveLength(32);
      expect(parseEs256PrivateKey(first.tokenPrivateKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');

      const second = loadConfig({ FOYER_DATA_DIR: dataDir });
      expect(second).toEqual(first);
      // A generated secret that does not pass the checks of a given one would be a bug.
      expect(
        loadConfig({
          ADMIN_API_KEY: first.adminApiKey,
          TOKEN_PRIVATE_KEY: first.tokenPrivateKeyPem,
          TICKET_SECRET: first.ticketSecret,
          CALLBACK_SIGNING_SECRET: first.callbacks.signingSecret,
        }).adminApiKeyGenerated,
      ).toBe(false);
    });

    it('give way to the environment, variable by variable', () => {
      const generated = loadConfig({ FOYER_DATA_DIR: dataDir });
      const mixed = loadConfig({ FOYER_DATA_DIR: dataDir, ADMIN_API_KEY: 'from-the-environment' });
      expect(mixed.adminApiKey).toBe('from-the-environment');
      expect(mixed.adminApiKeyGenerated).toBe(false);
      expect(mixed.ticketSecret).toBe(generated.ticketSecret);
      expect(mixed.tokenPrivateKeyPem).toBe(generated.tokenPrivateKeyPem);
    });

    it('fill in a partial file and keep what it has', () => {
      loadConfig({ FOYER_DATA_DIR: dataDir });
      const file = join(dataDir, 'secrets.json');
      writeFileSync(file, JSON.stringify({ adminApiKey: 'kept-key' }), { mode: 0o644 });
      const config = loadConfig({ FOYER_DATA_DIR: dataDir });
      expect(config.adminApiKey).toBe('kept-key');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ adminApiKey: 'kept-key', ticketSecret: config.ticketSecret });
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it('never overwrite a file they cannot read', () => {
      loadConfig({ FOYER_DATA_DIR: dataDir });
      const file = join(dataDir, 'secrets.json');
      for (const content of ['{ not json', JSON.stringify({ tokenPrivateKeyPem: 'garbage' })]) {
        writeFileSync(file, content);
        const problems = problemsOf({ FOYER_DATA_DIR: dataDir });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/^FOYER_DATA_DIR: .*secrets\.json/);
        expect(readFileSync(file, 'utf8')).toBe(content);
      }
    });

    it('report a data directory that cannot be created', () => {
      const blocker = join(dataDir, '..', 'file');
      loadConfig({ FOYER_DATA_DIR: dataDir });
      writeFileSync(blocker, 'not a directory');
      expect(problemsOf({ FOYER_DATA_DIR: join(blocker, 'data') })).toEqual([expect.stringMatching(/^FOYER_DATA_DIR: cannot keep/)]);
    });
  });
});
