/**
 * The operator's documentation stays true to the code: every environment variable libs/config
 * reads is in docs/configuration.md (and nothing it no longer reads), every alert rule is
 * explained in docs/operations.md, and the links of docs/ and the README lead to files (and
 * headings) inside the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = process.cwd();
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** The names libs/config hands its EnvReader: `read.text('NAME')`, `readPem(read, 'NAME')`, … */
function variablesReadByConfig(): Set<string> {
  const names = new Set<string>();
  const dir = join(ROOT, 'libs', 'config', 'src');
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/(?:\bread\.\w+\(|\(\s*read\s*,)\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(match[1]);
  }
  return names;
}

/** The text of a markdown document from the `## heading` line up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** The `NAME`s in the first cell of each table row. */
function tableVariables(markdown: string): Set<string> {
  const names = new Set<string>();
  for (const line of markdown.split('\n')) {
    const first = /^\|([^|]*)\|/.exec(line)?.[1];
    for (const match of first?.matchAll(/`([A-Z][A-Z0-9_]*)`/g) ?? []) names.add(match[1]);
  }
  return names;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (heading) anchors.add(anchorOf(heading[1]));
  }
  return anchors;
}

/** Markdown links `[text](target)` outside code. */
function linksIn(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]);
}

describe('docs/configuration.md', () => {
  const doc = read('docs/configuration.md');
  const documented = tableVariables(section(doc, "Foyer's variables"));
  const readByConfig = variablesReadByConfig();

  it('finds the variables libs/config reads (the extraction itself works)', () => {
    for (const name of ['NODE_ENV', 'PORT', 'REDIS_URL', 'TOKEN_PRIVATE_KEY', 'TOKEN_PUBLIC_KEYS', 'FOYER_ROLES', 'LOG_LEVEL']) {
      expect(readByConfig).toContain(name);
    }
  });

  it('documents every variable libs/config reads', () => {
    expect([...readByConfig].filter((name) => !documented.has(name)).sort()).toEqual([]);
  });

  it("documents no variable libs/config does not read, among Foyer's", () => {
    expect([...documented].filter((name) => !readByConfig.has(name)).sort()).toEqual([]);
  });
});

describe('docs/operations.md', () => {
  const doc = read('docs/operations.md');

  it('explains every alert of deploy/prometheus/alerts.yml', () => {
    const alerts = (parseYaml(read('deploy/prometheus/alerts.yml')) as { groups: { rules: { alert?: string }[] }[] }).groups
      .flatMap((group) => group.rules.map((rule) => rule.alert))
      .filter((name): name is string => name !== undefined);
    const explained = section(doc, 'Alerts: what each one means and what to do');
    expect(alerts.filter((name) => !explained.includes(`\`${name}\``))).toEqual([]);
  });

  it('gives the Redis settings the line depends on', () => {
    expect(doc).toContain('maxmemory-policy noeviction');
    expect(doc).toMatch(/appendonly yes/);
    expect(doc).toContain('235 bytes per waiting user');
  });
});

describe('links in docs/ and the README', () => {
  const documents = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];

  it.each(documents)('%s links only to files and headings inside the repository', (path) => {
    const markdown = read(path);
    const problems: string[] = [];
    for (const link of linksIn(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
        // Addresses of a running Foyer in examples are fine; other sites are not ours to promise.
        if (!/^https?:\/\/(localhost|127\.0\.0\.1)[:/]/.test(link) && path !== 'README.md') problems.push(`${link}: outside the repository`);
        continue;
      }
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target = file === '' ? join(ROOT, path) : resolve(dirname(join(ROOT, path)), decodeURIComponent(file));
      if (relative(ROOT, target).startsWith('..')) {
        problems.push(`${link}: leaves the repository`);
      } else if (!existsSync(target)) {
        problems.push(`${link}: no such file`);
      } else if (anchor !== undefined && target.endsWith('.md') && statSync(target).isFile()) {
        if (!anchorsIn(readFileSync(target, 'utf8')).has(anchor)) problems.push(`${link}: no such heading`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the README', () => {
  const readme = read('README.md');

  it('points operators to the docs, npm run secrets and the supported Node versions', () => {
    const production = section(readme, 'Production');
    expect(production).toContain('npm run --silent secrets');
    expect(production).toContain('(docs/configuration.md)');
    expect(production).toContain('(docs/operations.md)');
    expect(readme).toContain('20.19');
  });
});
