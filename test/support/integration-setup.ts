import { DefaultLogger, Runtime } from '@temporalio/worker';

// Integration tests start processes and wait on real servers.
jest.setTimeout(120_000);

// Keep the Temporal SDK's own logs to warnings; the runtime is per process, so install it once.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed by an earlier test file in this jest worker
}
