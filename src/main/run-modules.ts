import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { installTemporalRuntime } from '../adapters/temporal/runtime';
import type { Config, ModuleName } from '../config/load';
import { buildInternalServer } from './infra/internal-server';
import { createMetricsRegistry } from './infra/metrics';
import { Resources } from './infra/resources';
import { createModule } from './modules';
import type { Module } from './modules/module';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs the given modules in this process until SIGTERM/SIGINT, then shuts down gracefully: readiness
 * turns 503, APIs stop accepting, workers drain, connections close, and the process exits 0. A
 * second signal, an overrun of the shutdown timeout or a fatal module failure exits 1.
 */
export async function runModules(names: readonly ModuleName[], config: Config, log: Logger) {
  installTemporalRuntime(log);
  const resources = new Resources(config, log);
  const registry = createMetricsRegistry();
  let isShuttingDown = false;
  let exitCode = 0;
  let requestShutdown!: (reason: string) => void;
  const shutdownRequested = new Promise<string>((resolve) => (requestShutdown = resolve));

  const fail = (error: unknown) => {
    log.fatal({ err: error }, 'module failed');
    exitCode = 1;
    requestShutdown('module failure');
  };
  const modules = names.map((name) => createModule(name, { resources, registry, log, fail }));
  const internalServers = modules.map((module) =>
    buildInternalServer({
      checks: module.checks,
      registry,
      readinessTimeoutMs: config.readinessTimeoutMs,
      isAcceptingTraffic: () => !isShuttingDown,
    }),
  );
  for (const signal of SHUTDOWN_SIGNALS) {
    process.on(signal, () => {
      if (isShuttingDown) {
        log.warn({ signal }, 'second signal, exiting now');
        process.exit(1);
      }
      requestShutdown(signal);
    });
  }

  const startup = startAll(modules, internalServers, config, log).catch((error: unknown) =>
    fail(error),
  );
  const reason = await shutdownRequested;
  isShuttingDown = true;
  log.info({ reason }, 'shutting down');
  resources.beginShutdown();
  const forceExit = setTimeout(() => {
    log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out, exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  forceExit.unref();

  await startup;
  await stopAll(modules, internalServers, log);
  await resources.close();
  log.info({ exitCode }, 'stopped');
  process.exit(exitCode);
}

async function startAll(
  modules: readonly Module[],
  internalServers: readonly FastifyInstance[],
  config: Config,
  log: Logger,
) {
  await Promise.all(
    modules.map(async (module, index) => {
      const { host, port } = config.internalServers[module.name];
      const address = await internalServers[index]!.listen({ host, port });
      log.info({ module: module.name, address }, 'internal server listening');
    }),
  );
  await Promise.all(modules.map((module) => module.start()));
  log.info({ modules: modules.map((m) => m.name) }, 'started');
}

async function stopAll(
  modules: readonly Module[],
  internalServers: readonly FastifyInstance[],
  log: Logger,
) {
  const results = await Promise.allSettled(modules.map((module) => module.stop()));
  results.forEach((result, index) => {
    if (result.status === 'rejected') {
      log.error(
        { err: result.reason, module: modules[index]!.name },
        'module did not stop cleanly',
      );
    }
  });
  await Promise.all(internalServers.map((server) => server.close()));
}
