/**
 * The OpenAPI document the app serves at /docs-json is one that tools accept: `redocly lint` with
 * its recommended rules (redocly.yaml, none turned off) finds no error and no warning in it.
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';

jest.setTimeout(120_000);

const run = promisify(execFile);
/** A deployment's public URL, as an operator would set FOYER_PUBLIC_URL. */
const PUBLIC_URL = 'https://queue.shop-foyer.net';

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

describe('the served OpenAPI document', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;
  let dir: string;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('embedded');
    foyer = await startFoyer(backing, { FOYER_PUBLIC_URL: PUBLIC_URL });
    dir = mkdtempSync(join(tmpdir(), 'foyer-openapi-'));
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes `redocly lint` with the recommended rules: no error, no warning', async () => {
    const answer = await foyer.http.get('/docs-json');
    expect(answer.status).toBe(200);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, answer.text);
    if (process.env.FOYER_OPENAPI_OUT) writeFileSync(process.env.FOYER_OPENAPI_OUT, answer.text);
    const lint = await run('npx', ['redocly', 'lint', file, '--config', join(process.cwd(), 'redocly.yaml'), '--format', 'json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
    const report = JSON.parse(lint.stdout) as { problems: LintProblem[]; totals: { errors: number; warnings: number } };
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
