// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * Packages that perform I/O. Workflow code must stay deterministic and the domain pure, so neither
 * may import them (nor any adapter): they reach the outside world only through activities.
 */
const ioPackages = [
  'pg',
  'ioredis',
  '@kubernetes/client-node',
  'fastify',
  '@grpc/grpc-js',
  'pino',
  'prom-client',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];
const adapterPatterns = ['**/adapters/**', '**/main/**', '**/api/**', '**/app/**'];

/** @param {string} who */
const pureCodeRestrictions = (who) => ({
  'import-x/no-nodejs-modules': 'error',
  'no-restricted-imports': [
    'error',
    {
      paths: ioPackages.map((name) => ({
        name,
        message: `${who} must not perform I/O: reach ${name} through an activity or a port.`,
      })),
      patterns: [
        {
          group: adapterPatterns,
          message: `${who} must not import adapters, transports or composition roots.`,
        },
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '**/dist/',
      'coverage/',
      '.maestro/',
      'src/gen/',
      'packages/*/src/gen/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': 'error',
      'no-console': 'error',
    },
  },
  { files: ['workflows/**/*.ts'], rules: pureCodeRestrictions('Workflow code') },
  { files: ['src/domain/**/*.ts'], rules: pureCodeRestrictions('Domain code') },
  {
    files: ['scripts/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'src/main/cli.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      // `eventually(async () => expect(...))` reads better than juggling sync and async probes.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
