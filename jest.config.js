/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking happens once in `npm run build` (tsc); the transform only strips types.
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  // The examples import the package by name, as a user's project does: the sources here.
  moduleNameMapper: {
    '^meshform$': '<rootDir>/constructs/index.ts',
    '^meshform/cdktf$': '<rootDir>/constructs/cdktf.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/test/helpers/setup.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 60000,
  // In CI a handle some failed test leaves open must not hold the job until its timeout (jest names it).
  forceExit: process.env.CI === 'true',
};
