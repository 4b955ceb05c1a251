/**
 * Builds `@foyer/sdk` twice from the same sources, so that both `import` and `require` get code and
 * types of their own kind:
 *
 * - dist/esm: ES modules (tsconfig.build.json, NodeNext), read as ESM through this package's
 *   `"type": "module"`;
 * - dist/cjs: CommonJS (tsconfig.cjs.json), with a package.json of `{"type":"commonjs"}` beside it,
 *   so that Node runs its .js files and TypeScript reads its .d.ts files as CommonJS.
 *
 * dist is emptied first: files of an earlier layout must not end up in the tarball.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK = join(dirname(fileURLToPath(import.meta.url)), '..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(join(SDK, 'dist'), { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [TSC, '-p', project], { cwd: SDK, stdio: 'inherit' });
}
writeFileSync(join(SDK, 'dist', 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
