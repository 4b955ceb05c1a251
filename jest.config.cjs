// Jest runs in native ESM mode (NODE_OPTIONS=--experimental-vm-modules) because NestJS 12,
// jose and PGlite ship as ES modules. SWC strips types and keeps decorator metadata.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const moduleNameMapper = {
  '^@foyer/(domain|application|queue-store|persistence|tokens|config|waiting-room|platform|callbacks|pages|sdk)$': '<rootDir>/libs/$1/src/index.ts',
  '^@foyer/sdk/server$': '<rootDir>/libs/sdk/src/server/index.ts',
  '^@foyer/composition$': '<rootDir>/apps/composition/src/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper,
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
