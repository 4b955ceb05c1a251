/**
 * `@foyer/sdk` as a customer gets it: `npm pack` of libs/sdk (which must build first: a tarball of
 * package.json and README alone installs and then fails on import), unpacked into a shop's
 * node_modules, and used there as shops use it:
 *
 * - plain JavaScript, CommonJS (`require`) and ESM (`import`): a visitor waits and is admitted by a
 *   small stand-in for Foyer on 127.0.0.1, its successToken is checked against that stand-in's JWKS,
 *   a webhook delivery is verified and a tampered one refused — each from the build of its own kind;
 * - TypeScript: `tsc --noEmit` over an .mts and a .cts file under `module: nodenext`, the .cts again
 *   under `node16` (which, unlike nodenext, refuses to read ES module types from CommonJS), a file
 *   under `moduleResolution: bundler` and one under the old `node10`, each narrowing a `QueueState`
 *   through the typed exports.
 *
 * Packed outside the repository (a copy of package.json in it would collide in jest's module map
 * of a run going on meanwhile); Foyer's node_modules are linked in for tsc, @types/node and jose.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

jest.setTimeout(180_000);

const run = promisify(execFile);
const SDK = join(process.cwd(), 'libs', 'sdk');
const SDK_FILES = ['package.json', 'README.md', 'tsconfig.build.json', 'tsconfig.cjs.json', 'scripts', 'server', 'src'];
const EVENT_ID = 'concert-2026';

/** The child's environment without jest's NODE_OPTIONS (the VM-modules flag only warns there). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  return env;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A finished child, whatever its exit code: a failing check then shows tsc's or Node's own words. */
async function outcome(file: string, args: string[], cwd: string, env = childEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await run(file, args, { cwd, env })) };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr || failed.message,
    };
  }
}

/**
 * What a shop does with the SDK, in plain JavaScript, after the imports (`require` or `import`):
 * wait in line until admitted, check the successToken offline (and for another event), meet a
 * FoyerError, verify a webhook delivery and refuse a tampered one. It prints what it saw as JSON.
 */
const SHOP_BODY = `
const foyerUrl = process.env.FOYER_URL;
const hook = JSON.parse(process.env.FOYER_HOOK);
const client = new FoyerClient({ foyerUrl });
const seen = [];
const state = await client.waitUntilAdmitted({ eventId: '${EVENT_ID}', id: 'alice' }, { onState: (s) => seen.push(s.status) });
const backend = new FoyerBackend({ foyerUrl, issuer: foyerUrl });
const check = await backend.verifySuccessToken(state.successToken, '${EVENT_ID}');
const elsewhere = await backend.verifySuccessToken(state.successToken, 'another-event');
const refused = await client.status('stale-ticket').then(
  () => 'answered',
  (error) => ({ foyerError: error instanceof FoyerError, statusCode: error.statusCode, code: error.code }),
);
const event = verifyWebhook(hook.body, hook.headers, hook.secret);
let tampered = 'accepted';
try {
  verifyWebhook(hook.body.replace('user.exited', 'user.admitted'), hook.headers, hook.secret);
} catch (error) {
  tampered = { webhookError: error instanceof WebhookVerificationError, reason: error.reason };
}
console.log(JSON.stringify({
  resolved: { client: resolved('@foyer/sdk'), server: resolved('@foyer/sdk/server') },
  oneFoyerError: FoyerError === ServerFoyerError,
  seen,
  state: { status: state.status, id: state.id },
  admission: check.valid ? { ...check.admission, expiresAt: check.admission.expiresAt.toISOString() } : check,
  elsewhere,
  refused,
  event: { type: event.type, id: event.id },
  tampered,
}));
`;

const CJS_SHOP = `'use strict';
const { FoyerClient, FoyerError } = require('@foyer/sdk');
const { FoyerBackend, FoyerError: ServerFoyerError, verifyWebhook, WebhookVerificationError } = require('@foyer/sdk/server');
const resolved = (specifier) => require.resolve(specifier);
(async () => {${SHOP_BODY}})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
`;

const ESM_SHOP = `import { FoyerClient, FoyerError } from '@foyer/sdk';
import { FoyerBackend, FoyerError as ServerFoyerError, verifyWebhook, WebhookVerificationError } from '@foyer/sdk/server';
import { fileURLToPath } from 'node:url';
const resolved = (specifier) => fileURLToPath(import.meta.resolve(specifier));
${SHOP_BODY}`;

/** Typed use of both entry points: it type-checks only if the declarations resolve and say what the README says. */
const TYPED_SHOP = `import { FoyerClient, FoyerError, type QueueState, type WaitingState } from '@foyer/sdk';
import { FoyerBackend, verifyWebhook, WebhookVerificationError } from '@foyer/sdk/server';
import type { LifecycleNotification, TokenCheck } from '@foyer/sdk/server';

export function describeState(state: QueueState): string {
  switch (state.status) {
    case 'WAIT':
      return \`rank \${state.expectedInfo.rank}, asking again in \${state.pollAfterMs} ms\`;
    case 'ENTER':
      return \`admitted until \${state.expiresAt}: \${state.successToken}\`;
    case 'BLOCK':
      return \`refused: \${state.reason}\`;
    case 'EXPIRED':
      return \`over: \${state.reason}\`;
  }
}

export async function admit(foyerUrl: string, eventId: string): Promise<Date | string> {
  try {
    const state = await new FoyerClient({ foyerUrl }).waitUntilAdmitted({ eventId });
    if (state.status !== 'ENTER') return describeState(state);
    const check: TokenCheck = await new FoyerBackend({ foyerUrl }).verifySuccessToken(state.successToken, eventId);
    return check.valid ? check.admission.expiresAt : check.reason;
  } catch (error) {
    if (error instanceof FoyerError) return \`\${error.statusCode} \${error.code}\`;
    throw error;
  }
}

export function hookType(body: Uint8Array, headers: Record<string, string>, secret: string): string | null {
  try {
    return verifyWebhook<LifecycleNotification>(body, headers, secret).type;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return null;
    throw error;
  }
}

// @ts-expect-error a visitor still waiting has no successToken
export const tooEarly = (state: WaitingState): string => state.successToken;
// @ts-expect-error 'ADMITTED' is no status of a QueueState
export const misspelt = (state: QueueState): boolean => state.status === 'ADMITTED';
`;

const TS_OPTIONS = { strict: true, noEmit: true, skipLibCheck: false, lib: ['ES2023'], types: ['node'] };

describe('the packed @foyer/sdk', () => {
  let work: string;
  let packed: { path: string }[];
  let tarballSize: number;
  let installed: string;
  let shop: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'foyer-sdk-pack-'));
    symlinkSync(join(process.cwd(), 'node_modules'), join(work, 'node_modules'), 'dir');
    const source = join(work, 'sdk');
    for (const name of SDK_FILES) cpSync(join(SDK, name), join(source, name), { recursive: true });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, env: childEnv() });
    const [packing] = JSON.parse(stdout) as { filename: string; size: number; files: { path: string }[] }[];
    packed = packing.files;
    tarballSize = packing.size;
    shop = join(work, 'shop');
    installed = join(shop, 'node_modules', '@foyer', 'sdk');
    mkdirSync(installed, { recursive: true });
    await run('tar', ['-xzf', join(work, packing.filename), '-C', installed, '--strip-components=1']);
    write(join(shop, 'package.json'), `${JSON.stringify({ name: 'shop', private: true }, null, 2)}\n`);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds both builds of the entry points, their types and the README, and no sources or tests', () => {
    const paths = packed.map((file) => file.path);
    const entries = ['index', 'server/index'].flatMap((entry) => ['esm', 'cjs'].flatMap((kind) => [`dist/${kind}/${entry}.js`, `dist/${kind}/${entry}.d.ts`]));
    expect(paths).toEqual(expect.arrayContaining(['README.md', 'package.json', 'server/package.json', 'dist/cjs/package.json', ...entries]));
    expect(paths.filter((path) => path.startsWith('src/') || path.startsWith('scripts/') || /\.spec(-support)?\.|tsconfig/.test(path))).toEqual([]);
    expect(JSON.parse(readFileSync(join(installed, 'dist', 'cjs', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    // Two builds of ~20 small modules with their maps: a tarball far larger carries something it should not.
    expect(tarballSize).toBeLessThan(150_000);
  });

  it('imports from a shop: the visitor client, and the server side', async () => {
    const script =
      "const client = await import('@foyer/sdk'); const server = await import('@foyer/sdk/server');" +
      'console.log(JSON.stringify({ client: Object.keys(client), server: Object.keys(server) }));';
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: shop, env: childEnv() });
    const exported = JSON.parse(stdout) as { client: string[]; server: string[] };
    expect(exported.client).toEqual(expect.arrayContaining(['FoyerClient', 'FoyerError']));
    expect(exported.server).toEqual(
      expect.arrayContaining(['FoyerBackend', 'FoyerGate', 'expressGate', 'fastifyGate', 'FoyerGuard', 'admissionOf', 'verifyWebhook']),
    );
  });

  it('ships source maps that carry their sources (the TypeScript files are not in the package)', () => {
    const maps = filesUnder(join(installed, 'dist')).filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(20);
    const incomplete = maps.filter((file) => {
      const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((content) => !content);
    });
    expect(incomplete).toEqual([]);
  });

  describe('in plain JavaScript, against a stand-in for Foyer', () => {
    let foyer: Server;
    let foyerUrl: string;
    let token: string;
    let expiresAt: Date;
    const requests: string[] = [];
    /** A wait (enter, then one poll), the JWKS fetched once for both token checks, the refused status call. */
    const EXPECTED_REQUESTS = [
      'POST /v1/queue/enter -',
      'GET /v1/queue/status Bearer ticket-alice',
      'GET /.well-known/jwks.json -',
      'GET /v1/queue/status Bearer stale-ticket',
    ];
    const hook = { body: '', headers: {} as Record<string, string>, secret: `whsec_${randomBytes(32).toString('base64')}` };

    beforeAll(async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
      foyer = createServer((request: IncomingMessage, response) => {
        request.resume();
        requests.push(`${request.method} ${request.url} ${request.headers.authorization ?? '-'}`);
        const answer = (statusCode: number, body: unknown) => response.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        const place = { id: 'alice', eventId: EVENT_ID, eventStatus: 'OPEN', ticket: 'ticket-alice' };
        if (request.method === 'GET' && request.url === '/.well-known/jwks.json') return answer(200, jwks);
        if (request.method === 'POST' && request.url === '/v1/queue/enter') {
          return answer(200, {
            ...place,
            status: 'WAIT',
            expectedInfo: { rank: 1, waitSeconds: 1, time: '00:01', waitSecondsP25: 1, waitSecondsP75: 2 },
            pollAfterMs: 50,
          });
        }
        if (request.method === 'GET' && request.url === '/v1/queue/status' && request.headers.authorization === 'Bearer ticket-alice') {
          return answer(200, { ...place, status: 'ENTER', successToken: token, expiresAt: expiresAt.toISOString() });
        }
        if (request.url === '/v1/queue/status') return answer(401, { statusCode: 401, code: 'INVALID_TICKET', message: 'no such place' });
        return answer(404, { statusCode: 404, code: 'NOT_FOUND', message: `${request.method} ${request.url}` });
      });
      await new Promise<void>((resolve) => foyer.listen(0, '127.0.0.1', resolve));
      foyerUrl = `http://127.0.0.1:${(foyer.address() as AddressInfo).port}`;
      const issuedAt = Math.floor(Date.now() / 1000);
      expiresAt = new Date((issuedAt + 600) * 1000);
      token = await new SignJWT({ evt: EVENT_ID })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('alice')
        .setIssuer(foyerUrl)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + 600)
        .setJti('session-1')
        .sign(privateKey);
      hook.body = JSON.stringify({ type: 'user.exited', eventId: EVENT_ID, id: 'alice', at: new Date().toISOString() });
      const [id, timestamp] = ['msg_1', String(issuedAt)];
      const signature = createHmac('sha256', Buffer.from(hook.secret.slice('whsec_'.length), 'base64'))
        .update(`${id}.${timestamp}.${hook.body}`)
        .digest('base64');
      hook.headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
    });

    afterAll(async () => {
      await new Promise((resolve) => foyer?.close(resolve));
    });

    function expectedRun(kind: 'esm' | 'cjs') {
      return {
        resolved: {
          client: join(installed, 'dist', kind, 'index.js'),
          server: join(installed, 'dist', kind, 'server', 'index.js'),
        },
        oneFoyerError: true,
        seen: ['WAIT', 'ENTER'],
        state: { status: 'ENTER', id: 'alice' },
        admission: {
          eventId: EVENT_ID,
          id: 'alice',
          issuedAt: new Date(expiresAt.getTime() - 600_000).toISOString(),
          expiresAt: expiresAt.toISOString(),
          sessionId: 'session-1',
          token,
        },
        elsewhere: { valid: false, reason: 'INVALID' },
        refused: { foyerError: true, statusCode: 401, code: 'INVALID_TICKET' },
        event: { type: 'user.exited', id: 'alice' },
        tampered: { webhookError: true, reason: 'BAD_SIGNATURE' },
      };
    }

    async function runShop(file: string, text: string): Promise<unknown> {
      write(join(shop, file), text);
      requests.length = 0;
      const env = childEnv({ FOYER_URL: foyerUrl, FOYER_HOOK: JSON.stringify(hook) });
      const { code, stdout, stderr } = await outcome(process.execPath, [file], shop, env);
      // Not a warning either (Node prints one for a require() of an ES module outside node_modules).
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      return JSON.parse(stdout) as unknown;
    }

    it('works from CommonJS: require() gets the CommonJS build, which runs against Foyer', async () => {
      expect(await runShop('shop.cjs', CJS_SHOP)).toEqual(expectedRun('cjs'));
      expect(requests).toEqual(EXPECTED_REQUESTS);
    });

    it('works from ESM: import gets the ES module build, which runs against Foyer', async () => {
      expect(await runShop('shop.mjs', ESM_SHOP)).toEqual(expectedRun('esm'));
      expect(requests).toEqual(EXPECTED_REQUESTS);
    });
  });

  describe('in TypeScript', () => {
    const tsc = () => join(work, 'node_modules', 'typescript', 'bin', 'tsc');

    /** The project's diagnostics ('' when it type-checks), and the SDK declarations tsc read for it. */
    async function typeCheck(project: string, files: Record<string, string>, compilerOptions: object) {
      const dir = join(shop, project);
      write(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...TS_OPTIONS, ...compilerOptions }, files: Object.keys(files) }));
      for (const [name, text] of Object.entries(files)) write(join(dir, name), text);
      const checked = await outcome(process.execPath, [tsc(), '-p', '.'], dir);
      const listed = await outcome(process.execPath, [tsc(), '-p', '.', '--listFilesOnly'], dir);
      const declarations = listed.stdout
        .split('\n')
        .filter((file) => file.startsWith(installed))
        .map((file) => relative(installed, file))
        .filter((file) => /(^|\/)index\.d\.ts$/.test(file))
        .sort();
      return { diagnostics: checked.code === 0 ? '' : `${checked.stdout}${checked.stderr}`, declarations };
    }

    it('type-checks an .mts and a .cts file under module nodenext, each with the declarations of its kind', async () => {
      const checked = await typeCheck('nodenext', { 'shop.mts': TYPED_SHOP, 'shop.cts': TYPED_SHOP }, { module: 'nodenext', moduleResolution: 'nodenext' });
      expect(checked).toEqual({
        diagnostics: '',
        declarations: ['dist/cjs/index.d.ts', 'dist/cjs/server/index.d.ts', 'dist/esm/index.d.ts', 'dist/esm/server/index.d.ts'],
      });
    });

    it('type-checks a .cts file under module node16, which reads no ES module declarations from CommonJS', async () => {
      const checked = await typeCheck('node16', { 'shop.cts': TYPED_SHOP }, { module: 'node16', moduleResolution: 'node16' });
      expect(checked).toEqual({ diagnostics: '', declarations: ['dist/cjs/index.d.ts', 'dist/cjs/server/index.d.ts'] });
    });

    it('type-checks under moduleResolution bundler, with the ES module declarations', async () => {
      const checked = await typeCheck('bundler', { 'shop.ts': TYPED_SHOP }, { module: 'esnext', moduleResolution: 'bundler' });
      expect(checked).toEqual({ diagnostics: '', declarations: ['dist/esm/index.d.ts', 'dist/esm/server/index.d.ts'] });
    });

    it('type-checks under the old node resolution (no exports), with the CommonJS declarations through main and server/', async () => {
      const checked = await typeCheck('node10', { 'shop.ts': TYPED_SHOP }, { module: 'commonjs', moduleResolution: 'node10' });
      expect(checked).toEqual({ diagnostics: '', declarations: ['dist/cjs/index.d.ts', 'dist/cjs/server/index.d.ts'] });
    });
  });
});
