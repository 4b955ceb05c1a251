import { jest } from '@jest/globals';

/**
 * Jest on Node 20 cannot `require()` an ES module, and `@fastify/static` (which serves the
 * OpenAPI UI under /docs) requires `content-disposition`, which is ESM only since 3.x. Outside
 * jest Node 20.19+ does this natively. Loading the module through `import` and handing it to the
 * CommonJS registry lets the real app start inside a test process, with the real package.
 * Import this before starting an app in-process (`await allowRequireOfEsmPackages()`).
 */
export async function allowRequireOfEsmPackages(): Promise<void> {
  const contentDisposition = await import('content-disposition');
  jest.mock('content-disposition', () => contentDisposition);
}
