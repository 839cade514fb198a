import { DefaultLogger, Runtime } from '@temporalio/worker';

// Integration tests start processes and wait on real servers.
jest.setTimeout(120_000);

// Keep the Temporal SDK's own logs to warnings, and the native core's to errors: its retry
// warnings while a chaos test has Temporal down say nothing a test asserts. The runtime is per
// process, so install it once.
try {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
} catch {
  // already installed by an earlier test file in this jest worker
}
