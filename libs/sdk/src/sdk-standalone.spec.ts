import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Customers install `@foyer/sdk` alone: it may import `jose` and Node built-ins (server entry
 * only), nothing of Foyer's other libs; and what the browser entry reaches uses no Node at all.
 */
const SRC = dirname(fileURLToPath(import.meta.url));
const IMPORT = /(?:^|\s)(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.spec(-support)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1] ?? match[2]);
}

/** The files an entry reaches through relative imports. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return seen;
}

describe('@foyer/sdk stands alone', () => {
  it('imports only jose, Node built-ins and its own files', () => {
    const foreign = sourceFiles(SRC).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => !specifier.startsWith('.') && specifier !== 'jose' && !specifier.startsWith('node:'))
        .map((specifier) => `${relative(SRC, file)}: ${specifier}`),
    );
    expect(foreign).toEqual([]);
    expect(sourceFiles(SRC).length).toBeGreaterThan(10);
  });

  it('keeps the browser entry free of Node and of dependencies', () => {
    const files = [...reachable(join(SRC, 'index.ts'))];
    expect(files.map((file) => relative(SRC, file))).toContain('client/foyer-client.ts');
    const offending = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const bad = importsOf(file).filter((specifier) => !specifier.startsWith('.'));
      if (/\bBuffer\b|\bprocess\.|\brequire\(/.test(text)) bad.push('Node global');
      return bad.map((what) => `${relative(SRC, file)}: ${what}`);
    });
    expect(offending).toEqual([]);
    expect(files.some((file) => file.includes(`${join(SRC, 'server')}`))).toBe(false);
  });
});
