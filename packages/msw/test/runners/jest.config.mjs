// Jest for jest.check.mjs: native ESM, the package's TypeScript sources resolved through the
// `@breakwater/source` export condition and loaded with Node's own type stripping.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export default {
  rootDir: join(here, '../..'),
  roots: ['<rootDir>/test/runners'],
  testMatch: ['<rootDir>/test/runners/jest.check.mjs'],
  testEnvironment: 'node',
  testEnvironmentOptions: {
    customExportConditions: ['@breakwater/source', 'node', 'node-addons'],
  },
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'mjs', 'js', 'json'],
  transform: { '\\.ts$': join(here, 'stripTypes.mjs') },
  cache: false,
  watchman: false,
};
