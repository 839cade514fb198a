import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config, ModuleName } from '../config/load';
import { buildInternalServer } from './infra/internal-server';
import { createMetricsRegistry } from './infra/metrics';
import { Resources } from './infra/resources';
import { createModule } from './modules';
import type { Module } from './modules/module';

/** Modules running in this process on shared resources (see `startSystem`). */
export interface System {
  resources: Resources;
  registry: Registry;
  modules: readonly Module[];
  /** Whether the internal servers' /readyz may answer 200. */
  isAcceptingTraffic: boolean;
  /** Resolves once every module started (or rejects with the first failure). */
  started: Promise<void>;
  /** Drains every module, closes the internal servers, then the shared connections. */
  stop(): Promise<void>;
}

/**
 * Assembles the given modules on one set of connections, serves their internal ports and starts
 * them. `onFail` hears of a module failing after its start (the process entry point exits 1);
 * `stop()` is graceful and idempotent. Used by `maestro start` and by tests and benchmarks that
 * run the real composition in-process.
 */
/** How `startSystem` differs from a plain `maestro start`. */
export interface SystemOptions {
  /** False in a Rooms API cluster worker: its primary serves the internal port. */
  serveInternal?: boolean;
  /** Metrics from elsewhere in the process every internal /metrics includes (the SDK's). */
  externalMetrics?: () => Promise<string>;
  /** The clock of autoscaling schedules and idle times (tests move it); default: real time. */
  autoscalingClock?: () => Date;
}

export function startSystem(
  names: readonly ModuleName[],
  config: Config,
  log: Logger,
  onFail: (error: unknown) => void,
  options: SystemOptions = {},
): System {
  const { serveInternal = true, externalMetrics } = options;
  const resources = new Resources(config, log, {
    ...(options.autoscalingClock && { autoscalingClock: options.autoscalingClock }),
  });
  const registry = createMetricsRegistry();
  const modules = names.map((name) =>
    createModule(name, { resources, registry, log, fail: onFail }),
  );
  const system: System = {
    resources,
    registry,
    modules,
    isAcceptingTraffic: true,
    started: Promise.resolve(),
    stop: async () => {
      await stopping;
    },
  };
  // A module is ready only once its start resolved: its dependencies may answer well before its
  // API listens, and a load balancer must not send traffic to a port nothing listens on yet.
  const started = new Set<Module>();
  const internalServers = (serveInternal ? modules : []).map((module) =>
    buildInternalServer({
      checks: module.checks,
      registry,
      readinessTimeoutMs: config.readinessTimeoutMs,
      isAcceptingTraffic: () => system.isAcceptingTraffic,
      isStarted: () => started.has(module),
      ...(externalMetrics && { externalMetrics }),
    }),
  );
  system.started = startAll(modules, internalServers, config, log, (module) => started.add(module));
  let stopping: Promise<void> | undefined;
  system.stop = () => {
    stopping ??= (async () => {
      system.isAcceptingTraffic = false;
      resources.beginShutdown();
      await system.started.catch(() => undefined);
      await stopAll(modules, internalServers, log);
      await resources.close();
    })();
    return stopping;
  };
  return system;
}

async function startAll(
  modules: readonly Module[],
  internalServers: readonly FastifyInstance[],
  config: Config,
  log: Logger,
  onStarted: (module: Module) => void,
) {
  await Promise.all(
    internalServers.map(async (server, index) => {
      const module = modules[index]!;
      const { host, port } = config.internalServers[module.name];
      const address = await server.listen({ host, port });
      log.info({ module: module.name, address }, 'internal server listening');
    }),
  );
  await Promise.all(
    modules.map(async (module) => {
      await module.start();
      onStarted(module);
    }),
  );
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
