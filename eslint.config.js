// ESLint for the whole monorepo: typescript-eslint's type-aware rules on the TypeScript, plain
// recommended rules on the JavaScript (the pages' browser scripts and the Node helper scripts).
// `npm run lint` runs it with --cache (.tmp/eslint-cache), so an unchanged file is not linted twice.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The globals the JavaScript files use, named here rather than pulled from a package of thousands.
const readonly = (names) => Object.fromEntries(names.split(/\s+/).map((name) => [name, 'readonly']));
const browserGlobals = readonly(
  `window document navigator location history screen console localStorage sessionStorage fetch URL URLSearchParams AbortController
   BroadcastChannel Worker Event HTMLElement Option Intl Notification setTimeout clearTimeout setInterval clearInterval alert confirm`,
);
const workerGlobals = { ...readonly('self postMessage setTimeout clearTimeout console'), onmessage: 'writable' };
const nodeGlobals = readonly('process console URL Buffer setTimeout clearTimeout setImmediate');

const unusedVars = { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true };

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.tmp/**',
      'coverage/**',
      'libs/persistence/src/generated/**',
      'libs/pages/src/**/generated/**',
      'loadtest/results/**',
    ],
  },
  js.configs.recommended,
  {
    rules: {
      'no-unused-vars': ['error', unusedVars],
      // The ID patterns refuse control characters on purpose (`/^[^\u0000-\u001f]…$/u`).
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // The nearest tsconfig.json: the root's, or loadtest/k6's for the k6 scripts.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The memory twins and the tests' fakes implement async ports with `async` functions that do
      // not await: that keeps a throw a rejection, as it is in the Redis and HTTP implementations.
      '@typescript-eslint/require-await': 'off',
      // A `_`-named binding is a deliberate omission: `const { stats: _ignored, ...rest } = answer`.
      '@typescript-eslint/no-unused-vars': ['error', unusedVars],
    },
  },
  {
    // Tests read HTTP bodies as JSON (`any`) and match them with jest's asymmetric matchers, typed
    // `any` too: the assertion is the check. STYLE.md asks for no `any` in domain code, not here.
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.spec-support.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Prisma's own config file, outside every tsconfig: plain rules only.
    files: ['prisma.config.ts'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: ['libs/pages/src/**/assets/*.js', 'libs/pages/src/**/script/*.js'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['jest.config.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, module: 'writable', __dirname: 'readonly' } },
  },
  {
    // The dashboard's scripts, and the waiting room's modules (bundled into one script by esbuild).
    files: ['libs/pages/src/**/assets/*.js', 'libs/pages/src/**/script/*.js'],
    languageOptions: { sourceType: 'module', globals: browserGlobals },
  },
  {
    files: ['libs/pages/src/waiting-room/assets/waiting-room-timer.js'],
    languageOptions: { sourceType: 'script', globals: workerGlobals },
  },
);
