import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The use cases are plain TypeScript on the domain's ports: no Nest, no Redis client, no storage
 * and no token library, so a spec runs them on the memory store and a fake clock.
 */
const SRC = dirname(fileURLToPath(import.meta.url));
const IMPORT = /(?:^|\s)(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/gm;
const ALLOWED = new Set(['@foyer/domain', 'node:crypto']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.spec(-support)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('@foyer/application', () => {
  it('imports only the domain and its own files', () => {
    const files = sourceFiles(SRC);
    const foreign = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(IMPORT)]
        .map((match) => match[1] ?? match[2])
        .filter((specifier) => !specifier.startsWith('.') && !ALLOWED.has(specifier))
        .map((specifier) => `${relative(SRC, file)}: ${specifier}`),
    );
    expect(foreign).toEqual([]);
    expect(files.length).toBeGreaterThan(8);
  });
});
