/**
 * The OpenAPI document the app serves at /docs-json is one that tools accept: `redocly lint` with
 * its recommended rules (redocly.yaml, none turned off) finds no error and no warning in it; and
 * a typed client generated from it (openapi-typescript + openapi-fetch) type-checks and talks to
 * the server. (Every answer the e2e suites receive is checked against it too: support/http.ts.)
 */
import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { ADMIN_KEY, createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';

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
    // Inside the repository (.tmp/ is ignored), so the generated client resolves openapi-fetch.
    mkdirSync(join(process.cwd(), '.tmp'), { recursive: true });
    dir = mkdtempSync(join(process.cwd(), '.tmp', 'openapi-'));
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

  it('generates a typed client (openapi-typescript) that type-checks and calls the server (openapi-fetch)', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, (await foyer.http.get('/docs-json')).text);
    // A field with a default may be left out of a request: not required, as openapi-typescript makes it by default.
    await run('npx', ['openapi-typescript', file, '--default-non-nullable=false', '--output', join(dir, 'schema.d.ts')]);
    writeFileSync(join(dir, 'client.ts'), TYPED_CLIENT);
    const tsc = await run(
      'npx',
      ['tsc', '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', join(dir, 'client.ts')],
      { maxBuffer: 16 * 1024 * 1024 },
    ).catch((err: { stdout?: string }) => ({ stdout: `tsc failed:\n${err.stdout ?? ''}` }));
    expect(tsc.stdout).toBe('');

    const client = (await import(join(dir, 'client.ts'))) as { scenario: (baseUrl: string, adminKey: string) => Promise<Record<string, unknown>> };
    await expect(client.scenario(foyer.url, ADMIN_KEY)).resolves.toEqual({
      created: 201,
      limit: 10,
      enter: 'ENTER',
      poll: 'ENTER',
      unknownEvent: 'EVENT_NOT_FOUND',
    });
  });
});

/**
 * A customer's use of the generated types: create an event, enter it, poll with the ticket. The
 * `@ts-expect-error` lines prove the types are the document's, not `any`: tsc fails when one of
 * them stops being an error.
 */
const TYPED_CLIENT = `import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

export async function scenario(baseUrl: string, adminKey: string) {
  const client = createClient<paths>({ baseUrl });
  const eventId = 'typed-' + Math.random().toString(36).slice(2, 10);
  const created = await client.POST('/v1/admin/events', {
    body: { eventId, name: 'Typed client', limitCnt: 10, minPollIntervalMs: 0 },
    headers: { authorization: 'Bearer ' + adminKey },
  });
  if (!created.data) throw new Error('create failed');
  const limit: number = created.data.limitCnt;

  const entered = await client.POST('/v1/queue/enter', { body: { eventId, id: 'typed-user' } });
  if (!entered.data) throw new Error('enter failed');
  const status: 'WAIT' | 'ENTER' | 'BLOCK' | 'EXPIRED' = entered.data.status;
  const ticket: string | undefined = entered.data.ticket;

  const polled = await client.GET('/v1/queue/status', { headers: { authorization: 'Bearer ' + ticket } });
  const unknown = await client.POST('/v1/queue/enter', { body: { eventId: 'no-such-event-' + eventId } });
  const code: string | undefined = unknown.error?.code;

  return { created: created.response.status, limit, enter: status, poll: polled.data?.status, unknownEvent: code };
}

/** Never called: what tsc must refuse. */
export function wrongUses(client: ReturnType<typeof createClient<paths>>) {
  // @ts-expect-error limitCnt is an integer, not a string
  void client.POST('/v1/admin/events', { body: { eventId: 'e', name: 'x', limitCnt: 'ten' } });
  // @ts-expect-error eventId is a string
  void client.POST('/v1/queue/enter', { body: { eventId: 42 } });
  // @ts-expect-error no such route
  void client.GET('/v1/queue/state');
}
`;
