import type { Logger } from 'pino';
import { installTemporalRuntime } from '../adapters/temporal/runtime';
import { TemporalSdkMetrics } from '../adapters/temporal/temporal-sdk-metrics';
import type { Config, ModuleName } from '../config/load';
import { startSystem, type System } from './system';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** How a Rooms API cluster worker runs its module (see rooms-api-cluster.ts); defaults: a process of its own. */
export interface RunModulesOptions {
  /** False: no internal port (a cluster's primary serves it). */
  serveInternal?: boolean;
  /** The signals that start the graceful shutdown. */
  signals?: readonly NodeJS.Signals[];
  /** Hears of the system once it is assembled. */
  onSystem?: (system: System) => void;
}

/**
 * Runs the given modules in this process until SIGTERM/SIGINT, then shuts down gracefully: readiness
 * turns 503, APIs stop accepting, workers drain, connections close, and the process exits 0. A
 * second signal, an overrun of the shutdown timeout or a fatal module failure exits 1.
 */
export async function runModules(
  names: readonly ModuleName[],
  config: Config,
  log: Logger,
  options: RunModulesOptions = {},
) {
  const sdkMetrics = await temporalSdkMetricsFor(names, config, log);
  installTemporalRuntime(log, sdkMetrics?.bindAddress);
  let isShuttingDown = false;
  let exitCode = 0;
  let requestShutdown!: (reason: string) => void;
  const shutdownRequested = new Promise<string>((resolve) => (requestShutdown = resolve));

  const fail = (error: unknown) => {
    log.fatal({ err: error }, 'module failed');
    exitCode = 1;
    requestShutdown('module failure');
  };
  for (const signal of options.signals ?? SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      if (isShuttingDown) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      requestShutdown(signal);
    });
  }

  const system = startSystem(names, config, log, fail, {
    serveInternal: options.serveInternal ?? true,
    ...(sdkMetrics && { externalMetrics: () => sdkMetrics.text() }),
  });
  options.onSystem?.(system);
  system.started.catch((error: unknown) => fail(error));
  const reason = await shutdownRequested;
  isShuttingDown = true;
  log.info({ reason }, 'shutting down');
  const forceExit = setTimeout(() => {
    log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out, exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  forceExit.unref();

  await system.stop();
  log.info({ exitCode }, 'stopped');
  process.exit(exitCode);
}

/** The modules that run a Temporal worker (the others only use the client, which has no metrics). */
const TEMPORAL_WORKER_MODULES: readonly ModuleName[] = [
  'worker',
  'runtime-watcher',
  'metrics-reporter',
];

/** The SDK's worker metrics, when enabled and some module of this process runs a worker. */
async function temporalSdkMetricsFor(
  names: readonly ModuleName[],
  config: Config,
  log: Logger,
): Promise<TemporalSdkMetrics | undefined> {
  const settings = config.temporalSdkMetrics;
  if (!settings || !names.some((name) => TEMPORAL_WORKER_MODULES.includes(name))) return undefined;
  return TemporalSdkMetrics.onPort(settings.port, log.child({ component: 'temporal' }));
}
