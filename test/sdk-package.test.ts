/**
 * `@foyer/sdk` as a customer gets it: `npm pack` of libs/sdk (which must build first: a tarball of
 * package.json and README alone installs and then fails on import), unpacked into a project's
 * node_modules, both entry points imported by Node from the packed files.
 *
 * Packed outside the repository (a copy of package.json in it would collide in jest's module map
 * of a run going on meanwhile); Foyer's node_modules are linked in for tsc, @types/node and jose.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(180_000);

const run = promisify(execFile);
const SDK = join(process.cwd(), 'libs', 'sdk');

/** The child's environment without jest's NODE_OPTIONS (the VM-modules flag only warns there). */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the packed @foyer/sdk', () => {
  let work: string;
  let packed: { path: string }[];
  let installed: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'foyer-sdk-pack-'));
    symlinkSync(join(process.cwd(), 'node_modules'), join(work, 'node_modules'), 'dir');
    const source = join(work, 'sdk');
    for (const name of ['package.json', 'README.md', 'tsconfig.build.json', 'src']) cpSync(join(SDK, name), join(source, name), { recursive: true });
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, env: childEnv() });
    const [tarball] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    packed = tarball.files;
    installed = join(work, 'shop', 'node_modules', '@foyer', 'sdk');
    mkdirSync(installed, { recursive: true });
    await run('tar', ['-xzf', join(work, tarball.filename), '-C', installed, '--strip-components=1']);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds the built entry points, their types and the README, and no sources or tests', () => {
    const paths = packed.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/server/index.js', 'dist/server/index.d.ts']),
    );
    expect(paths.filter((path) => path.startsWith('src/') || /\.spec(-support)?\./.test(path))).toEqual([]);
  });

  it('imports from a shop: the visitor client, and the server side', async () => {
    const script =
      "const client = await import('@foyer/sdk'); const server = await import('@foyer/sdk/server');" +
      'console.log(JSON.stringify({ client: Object.keys(client), server: Object.keys(server) }));';
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: join(work, 'shop'), env: childEnv() });
    const exported = JSON.parse(stdout) as { client: string[]; server: string[] };
    expect(exported.client).toEqual(expect.arrayContaining(['FoyerClient', 'FoyerError']));
    expect(exported.server).toEqual(
      expect.arrayContaining(['FoyerBackend', 'FoyerGate', 'expressGate', 'fastifyGate', 'FoyerGuard', 'admissionOf', 'verifyWebhook']),
    );
  });

  it('ships source maps that carry their sources (the TypeScript files are not in the package)', () => {
    const maps = filesUnder(join(installed, 'dist')).filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    const incomplete = maps.filter((file) => {
      const map = JSON.parse(readFileSync(file, 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((content) => !content);
    });
    expect(incomplete).toEqual([]);
  });
});
