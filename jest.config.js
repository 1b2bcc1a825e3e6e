/**
 * Two tiers. `unit` needs no sandbox and no build of dist/, so `npm run test:unit` is the inner loop.
 * `integration` runs the CLI from dist/ and talks to sandboxes over HTTP; its sandboxes start from a
 * seeded data dir that the first test to need one makes (test/helpers/sandbox.ts). A unit test that
 * starts a sandbox fails with a message that says to list its file here.
 */
const integration = [
  'bench/.*',
  'contract/.*',
  'controller/cli/.*',
  'controller/client/(event-log|http-client|meshstack-behaviour|read-memo)',
  'controller/(cycle|lifecycle|ownership|pending-grants|saved-plan)',
  'controller/observe/unknowns',
  'controller/import/(adopt-free-form-tags|roundtrip)',
  'demo/.*',
  'examples/(adopt-estate|adopt-free-form-tags|as-a-user-project|examples)',
  'provider/.*',
  'readme',
  'reliability/(concurrency|crashes|faults|security)',
  'sandbox/.*',
  'schemas/.*',
  'terraform/.*',
];
/** Matches a test file of the integration tier (paths relative to test/). */
const integrationRegex = `/test/(${integration.join('|')})\\.test\\.ts$`;

/**
 * Only a guard against a hang: no test's verdict depends on how fast the machine is (tests drive time
 * through injected clocks and wait on events), so a busy machine must not fail one.
 */
const HANG_GUARD_MS = 15 * 60_000;

const common = {
  testTimeout: HANG_GUARD_MS,
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
};

/** MESHFORM_TEST_TIER=unit (`npm run test:unit`) runs one tier; unset, both. */
const tier = process.env.MESHFORM_TEST_TIER;

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testPathIgnorePatterns: ['/node_modules/', integrationRegex] },
    {
      ...common,
      displayName: 'integration',
      testMatch: undefined,
      testRegex: integrationRegex,
      // Only makes the run's shared directory: the sandbox template inside it is made on first use.
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ].filter((project) => !tier || project.displayName === tier),
  testTimeout: HANG_GUARD_MS,
  // Every core, not jest's default of one less: an integration worker spends much of its time waiting
  // on the sandboxes, CLIs and terraform it started, so on 2 cores two workers finish far sooner.
  maxWorkers: '100%',
  // In CI a handle some failed test leaves open must not hold the job until its timeout (jest names it).
  forceExit: process.env.CI === 'true',
};
