import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const SHIM_DIR = dirname(fileURLToPath(import.meta.url));

/** The k6 modules the shim provides; a script importing any other `k6/…` module is refused. */
const K6_MODULES: Record<string, string> = {
  k6: join(SHIM_DIR, 'modules/k6.ts'),
  'k6/http': join(SHIM_DIR, 'modules/http.ts'),
  'k6/metrics': join(SHIM_DIR, 'modules/metrics.ts'),
  'k6/execution': join(SHIM_DIR, 'modules/execution.ts'),
};

export const VU_WORKER = join(SHIM_DIR, 'vu-worker.ts');

/** `from '…'`, `import '…'` and `import('…')` in compiled ES modules. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\2/g;

export interface CompiledScript {
  workerUrl: string;
  scriptUrl: string;
  remove(): void;
}

/**
 * Compiles the VU worker and a k6 script (TypeScript or JavaScript), with every module they import,
 * into plain ES modules in a temporary directory: `k6…` imports point at the shim's modules,
 * relative imports at their compiled copies. Worker threads then load them with no loader at all.
 * TypeScript is only stripped here; `npm run typecheck:k6` is what checks the types.
 */
export function compileScript(scriptPath: string): CompiledScript {
  const outDir = mkdtempSync(join(tmpdir(), 'foyer-k6-shim-'));
  const compiled = new Map<string, string>();
  const root = resolve(SHIM_DIR, '..', '..');

  const compile = (file: string): string => {
    const known = compiled.get(file);
    if (known) return known;
    const outFile = join(
      outDir,
      `${relative(root, file)
        .replace(/[/\\]/g, '__')
        .replace(/\.[cm]?[jt]s$/, '')}.mjs`,
    );
    const url = pathToFileURL(outFile).href;
    compiled.set(file, url); // before the imports: cycles end here
    const source = readFileSync(file, 'utf8');
    const js = /\.[cm]?ts$/.test(file)
      ? ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
          fileName: file,
        }).outputText
      : source;
    writeFileSync(
      outFile,
      js.replace(SPECIFIER, (_m, before: string, quote: string, specifier: string) => `${before}${quote}${resolveImport(specifier, file)}${quote}`),
    );
    return url;
  };

  const resolveImport = (specifier: string, from: string): string => {
    if (specifier in K6_MODULES) return compile(K6_MODULES[specifier]);
    if (specifier === 'k6' || specifier.startsWith('k6/')) {
      throw new Error(`${relative(root, from)} imports '${specifier}', which the k6 shim does not provide (${Object.keys(K6_MODULES).join(', ')})`);
    }
    if (/^https?:/.test(specifier)) throw new Error(`${relative(root, from)} imports a remote module (${specifier}); the k6 shim runs offline`);
    if (!specifier.startsWith('.')) return specifier; // node: built-ins, in the shim's own code
    return compile(localFile(resolve(dirname(from), specifier)));
  };

  try {
    return {
      workerUrl: compile(VU_WORKER),
      scriptUrl: compile(resolve(scriptPath)),
      remove: () => rmSync(outDir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(outDir, { recursive: true, force: true });
    throw err;
  }
}

/** A relative import as written in k6 (`./x.ts`, `./x.js`) or NodeNext style (`./x.js` for `./x.ts`). */
function localFile(path: string): string {
  for (const candidate of [path, path.replace(/\.js$/, '.ts'), `${path}.ts`, `${path}.js`]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find module ${path}`);
}
