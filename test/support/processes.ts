import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpClient } from './http.js';
import { freePort, sleep } from './services.js';

/** The built app, run as separate OS processes, the way operators run it. */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const API_ENTRY = join(ROOT, 'dist/apps/api/src/main.js');
export const WORKER_ENTRY = join(ROOT, 'dist/apps/worker/src/main.js');
const SOURCES = ['apps', 'libs', 'prisma', 'scripts', 'tsconfig.json', 'tsconfig.build.json'];

/** How much of a process's output a failure message shows. */
const OUTPUT_TAIL = 6_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface FoyerProcess {
  readonly name: string;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` of an API process; empty for a worker. */
  readonly url: string;
  readonly http: HttpClient;
  /** Resolves when the process has ended, however it ended. */
  readonly exited: Promise<ExitStatus>;
  /** Whether the process is still running. */
  running(): boolean;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs` if it does not end). */
  stop(signal?: 'SIGTERM' | 'SIGKILL', timeoutMs?: number): Promise<ExitStatus>;
}

/**
 * Builds `dist/` when it is missing or older than any source file, so the processes run the code
 * under test. The build is the project's own `npm run build`.
 */
export function buildIfStale(): void {
  if (existsSync(API_ENTRY) && existsSync(WORKER_ENTRY)) {
    const built = Math.min(statSync(API_ENTRY).mtimeMs, statSync(WORKER_ENTRY).mtimeMs);
    if (newestSource() <= built) return;
  }
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', env: childEnv({}) });
  if (result.status !== 0) {
    throw new Error(`npm run build failed (${result.status}):\n${tail(`${result.stdout}\n${result.stderr}`)}`);
  }
}

function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry === 'node_modules' || entry === 'dist') continue;
        visit(join(path, entry));
      }
    } else if (!path.endsWith('.spec.ts')) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const source of SOURCES) visit(join(ROOT, source));
  return newest;
}

export interface SpawnOptions {
  name: string;
  /** The app's environment (besides PATH/HOME): e.g. a backing's env plus FOYER_ROLES. */
  env: Record<string, string>;
  /** `api` (default) is ready when `/health/ready` answers 200; `worker` (health and metrics only) when it says so. */
  entry?: 'api' | 'worker';
  readyTimeoutMs?: number;
}

/** Starts the built app as its own OS process and waits until it is ready. */
export async function spawnFoyer(options: SpawnOptions): Promise<FoyerProcess> {
  const entry = options.entry ?? 'api';
  const port = await freePort();
  const env = childEnv({
    LOG_LEVEL: 'warn',
    ...options.env,
    // The worker announces readiness at `log` level.
    ...(entry === 'worker' ? { LOG_LEVEL: 'info' } : {}),
    PORT: String(port),
  });
  const child = spawn(process.execPath, [entry === 'api' ? API_ENTRY : WORKER_ENTRY], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const foyer = wrap(options.name, child, port ? `http://127.0.0.1:${port}` : '');
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let problem: string;
  for (;;) {
    if (!foyer.running()) {
      problem = `it exited (${JSON.stringify(await foyer.exited)}) before it was ready`;
      break;
    }
    if (await isReady(foyer, entry)) return foyer;
    if (Date.now() > deadline) {
      problem = 'timed out';
      await foyer.stop('SIGKILL');
      break;
    }
    await sleep(100);
  }
  throw new Error(`${options.name} did not become ready: ${problem}\n${describeOutput(foyer)}`);
}

async function isReady(foyer: FoyerProcess, entry: 'api' | 'worker'): Promise<boolean> {
  if (entry === 'worker') return foyer.output().includes('Foyer worker running');
  try {
    return (await foyer.http.get('/health/ready')).status === 200;
  } catch {
    return false; // not listening yet
  }
}

/** Starts the built app without waiting for readiness, for processes that are expected to fail. */
export function spawnFoyerRaw(options: Omit<SpawnOptions, 'readyTimeoutMs'>): FoyerProcess {
  const entry = options.entry ?? 'api';
  const child = spawn(process.execPath, [entry === 'api' ? API_ENTRY : WORKER_ENTRY], {
    cwd: ROOT,
    env: childEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return wrap(options.name, child, '');
}

function wrap(name: string, child: ChildProcess, url: string): FoyerProcess {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  let status: ExitStatus | null = null;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
  });
  const foyer: FoyerProcess = {
    name,
    pid: child.pid ?? -1,
    url,
    http: new HttpClient(url),
    exited,
    running: () => status === null,
    output: () => output,
    async stop(signal = 'SIGTERM', timeoutMs = 30_000) {
      if (status) return status;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return foyer;
}

/** The last part of a process's output, for a failure message. */
export function describeOutput(foyer: FoyerProcess): string {
  return `--- output of ${foyer.name} (pid ${foyer.pid}) ---\n${tail(foyer.output())}\n--- end of ${foyer.name} ---`;
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL ? `…${text.slice(-OUTPUT_TAIL)}` : text;
}

/** A clean environment: the jest worker's NODE_OPTIONS and the like must not leak into the app. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    TZ: 'UTC',
    ...env,
  };
}
