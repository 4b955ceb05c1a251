import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/services.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const API_ENTRY = 'dist/apps/api/src/main.js';
const WORKER_ENTRY = 'dist/apps/worker/src/main.js';
const LOADER = fileURLToPath(new URL('../node-loader/register.mjs', import.meta.url));
const FLOOR_ENTRY = fileURLToPath(new URL('./floor-server.ts', import.meta.url));

/** A process the runner started: it stops it, by its own handle, before the run ends. */
export interface BenchProcess {
  readonly name: string;
  readonly pid: number;
  /** `http://127.0.0.1:<port>`; empty for a worker. */
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  env: Record<string, string>;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

/** The built API (`FOYER_ROLES` from `env`), ready once `/health/ready` answers 200. */
export async function startApi(options: StartOptions): Promise<BenchProcess> {
  const port = await freePort();
  const child = launch(options, [API_ENTRY], { PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(child, options.name, async () => (await fetch(`${url}/health/ready`)).status === 200);
  return wrap(options.name, child, url);
}

/** The built worker; ready once it logs that it runs (so its LOG_LEVEL is at least info). */
export async function startWorker(options: StartOptions): Promise<BenchProcess> {
  const child = launch({ ...options, env: { ...options.env, LOG_LEVEL: 'info' } }, [WORKER_ENTRY], {});
  await waitUntil(child, options.name, () => Promise.resolve(outputOf(child).includes('Foyer worker running')));
  return wrap(options.name, child, '');
}

/** The bare Fastify floor (floor-server.ts), ready once `/health` answers. */
export async function startFloor(options: StartOptions): Promise<BenchProcess> {
  const port = await freePort();
  const child = launch(options, ['--import', LOADER, FLOOR_ENTRY], { PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(child, options.name, async () => (await fetch(`${url}/health`)).status === 200);
  return wrap(options.name, child, url);
}

const outputs = new WeakMap<ChildProcess, { text: string }>();

function launch(options: StartOptions, args: string[], extraEnv: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    cwd: ROOT,
    // A clean environment: nothing of the runner's shell (NODE_OPTIONS and the like) leaks in.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TZ: 'UTC', ...options.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  const append = (chunk: Buffer) => {
    output.text += chunk.toString('utf8');
    if (output.text.length > 200_000) output.text = output.text.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  outputs.set(child, output);
  return child;
}

function outputOf(child: ChildProcess): string {
  return outputs.get(child)?.text ?? '';
}

async function waitUntil(child: ChildProcess, name: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready:\n${outputOf(child).slice(-4000)}`);
    }
    try {
      if (await ready()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within 90 s:\n${outputOf(child).slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function wrap(name: string, child: ChildProcess, url: string): BenchProcess {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    pid: child.pid ?? -1,
    url,
    output: () => outputOf(child),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
