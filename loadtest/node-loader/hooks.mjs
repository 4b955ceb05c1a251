// Module hooks for the TypeScript programs under loadtest/ (registered by register.mjs).
//
// - `.ts` files are compiled one at a time with the project's own TypeScript (transpile only: the
//   type check is `npm run typecheck`'s job, as it is for the rest of the repo).
// - NodeNext-style relative imports that name `./x.js` load `./x.ts` when only that exists.
// - `@foyer/<lib>` resolves to the built `dist/libs/<lib>/src/index.js`, so the runner uses exactly
//   the code the app processes it starts are running (`npm run bench` builds first).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = new URL('../../', import.meta.url);
const FOYER_LIB = /^@foyer\/([a-z-]+)$/;

/** @type {import('typescript').CompilerOptions} */
const COMPILER_OPTIONS = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  inlineSourceMap: true,
  inlineSources: true,
};

export async function resolve(specifier, context, nextResolve) {
  const lib = FOYER_LIB.exec(specifier);
  if (lib) {
    const url = new URL(`dist/libs/${lib[1]}/src/index.js`, ROOT);
    if (!existsSync(url)) {
      throw new Error(`${specifier} is not built (${fileURLToPath(url)} is missing): run \`npm run build\` first`);
    }
    return { url: url.href, shortCircuit: true };
  }
  if (context.parentURL?.endsWith('.ts') && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
    const asTs = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (!existsSync(new URL(specifier, context.parentURL)) && existsSync(asTs)) {
      return { url: asTs.href, shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const output = ts.transpileModule(readFileSync(fileName, 'utf8'), {
    compilerOptions: COMPILER_OPTIONS,
    fileName,
    reportDiagnostics: false,
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
