// Type-aware lint: the rules that catch what tsc does not (a forgotten await, a switch that misses a case).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '**/cdktf.out/',
      '**/out/',
      'coverage/',
      '**/*.generated.ts',
      'test/fixtures/',
      // Compiled in the adopter's project, where `meshform` resolves (the package-install test does that).
      'templates/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // What it flags here is deliberate: methods of the in-memory fake and handlers of fastify and the
      // provider's gRPC server implement Promise-returning interfaces, and `async` keeps a throw a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON from HTTP answers, CLI output and plan files and assert on its shape with expect():
      // typing every answer would restate the schemas the tests check, and a wrong guess fails the test anyway.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(api.method) passes a method to jest's matchers, which never call it unbound.
      '@typescript-eslint/unbound-method': 'off',
      // Tests assert how control characters (ESC, NUL) in platform text are escaped.
      'no-control-regex': 'off',
    },
  },
);
