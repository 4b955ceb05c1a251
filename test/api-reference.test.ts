/**
 * docs/api.md is the API reference rendered from the OpenAPI document the app serves: this test
 * renders it again from /docs-json (scripts/api-reference.mjs) and fails when the file differs.
 */
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allowRequireOfEsmPackages } from './support/esm-interop.js';
import { createBacking, startFoyer, type FoyerBacking, type RunningFoyer } from './support/foyer.js';

jest.setTimeout(60_000);

describe('docs/api.md', () => {
  let backing: FoyerBacking;
  let foyer: RunningFoyer;

  beforeAll(async () => {
    await allowRequireOfEsmPackages();
    backing = await createBacking('embedded');
    foyer = await startFoyer(backing);
  }, 120_000);

  afterAll(async () => {
    await foyer?.close();
    await backing?.dispose();
  });

  it('is what scripts/api-reference.mjs renders from the served OpenAPI document', async () => {
    const { renderApiReference } = (await import(join(process.cwd(), 'scripts', 'api-reference.mjs'))) as {
      renderApiReference: (document: unknown) => Promise<string>;
    };
    const expected = await renderApiReference((await foyer.http.get('/docs-json')).body);
    const actual = readFileSync(join(process.cwd(), 'docs', 'api.md'), 'utf8');
    if (actual !== expected) {
      throw new Error('docs/api.md is not what the OpenAPI document gives: run `npm run docs:api` and commit docs/api.md');
    }
  });
});
