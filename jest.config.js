/** @param {'typescript' | 'ecmascript'} syntax */
const swc = (syntax) => [
  '@swc/jest',
  { jsc: { parser: { syntax }, target: 'es2022' }, module: { type: 'commonjs' } },
];

/**
 * `@kubernetes/client-node` 1.x is ESM-only, as are the packages it imports that offer no
 * `require` entry point. Node ≥ 20.19 loads them through `require`, but jest's CommonJS module
 * system does not (before Node 24.9), so jest compiles them to CommonJS with the same transformer.
 */
const esmPackages = [
  '@kubernetes/client-node',
  'openid-client',
  'oauth4webapi',
  'jose',
  // swagger-parser's (test/unit/openapi-document.test.ts)
  '@apidevtools/json-schema-ref-parser',
];
/**
 * CommonJS packages that load Node builtins with a dynamic `import()`, which jest's module system
 * refuses without --experimental-vm-modules: the same transformer turns it into `require`.
 */
const dynamicImportPackages = ['@opentelemetry/otlp-exporter-base'];
const transformedPackages = [...esmPackages, ...dynamicImportPackages];

const transform = {
  '^.+\\.ts$': swc('typescript'),
  [`node_modules/(${transformedPackages.join('|')})/.+\\.js$`]: swc('ecmascript'),
};
const transformIgnorePatterns = [`/node_modules/(?!(${transformedPackages.join('|')})/)`];
/** The workspace packages from their sources, as tsconfig.json's `paths` say. */
const moduleNameMapper = {
  '^@maestro/management-client$': '<rootDir>/packages/management-client/src/index.ts',
  '^@maestro/rooms-client$': '<rootDir>/packages/rooms-client/src/index.ts',
  '^@maestro/game-room-sdk$': '<rootDir>/packages/game-room-sdk/src/index.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  // A test whose teardown timed out (a harness left a Temporal worker or a socket open) would keep
  // jest alive after the run ("Jest did not exit one second after the test run has completed")
  // until CI's time limit: once every test file and the global teardown are done, exit.
  forceExit: true,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
    },
    {
      displayName: 'integration',
      testMatch: [
        '<rootDir>/test/integration/**/*.test.ts',
        // Fault injection: each file starts the services it stops and restarts on its own.
        '<rootDir>/test/chaos/**/*.test.ts',
      ],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
    {
      // Tests that need the tools provisioning builds last (scripts/provision.sh platform): a
      // Kubernetes API server with KWOK nodes, Helm, and the compose stack's Temporal binaries.
      displayName: 'platform',
      testMatch: ['<rootDir>/test/k8s/**/*.test.ts', '<rootDir>/test/compose/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      globalSetup: '<rootDir>/test/support/global-setup-platform.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
  ],
};
