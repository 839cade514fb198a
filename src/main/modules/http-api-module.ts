import type { FastifyInstance } from 'fastify';
import type { HttpServerConfig, ModuleName } from '../../config/load';
import type { ReadinessCheck } from '../infra/readiness';
import type { Module, ModuleDeps } from './module';

export interface HttpApiModuleOptions {
  name: ModuleName;
  server: HttpServerConfig;
  app: FastifyInstance;
  checks: readonly ReadinessCheck[];
}

/** A module whose job is an HTTP API: listens on start, stops accepting and drains on stop. */
export function httpApiModule(options: HttpApiModuleOptions, deps: ModuleDeps): Module {
  const log = deps.log.child({ module: options.name });
  let isListening = false;
  return {
    name: options.name,
    checks: options.checks,
    async start() {
      const address = await options.app.listen({
        host: options.server.host,
        port: options.server.port,
      });
      isListening = true;
      log.info({ address }, 'http api listening');
    },
    async stop() {
      if (!isListening) return;
      isListening = false;
      await options.app.close();
      log.info('http api closed');
    },
  };
}
