import type { Server as HttpsServer } from 'node:https';
import type { Server } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import { closeGrpc, listenGrpc } from '../../api/shared/grpc-listen';
import type { HttpServerConfig, ModuleName } from '../../config/load';
import type { ApiTls } from '../infra/api-tls';
import type { ReadinessCheck } from '../infra/readiness';
import type { Module, ModuleDeps } from './module';

/** In-flight gRPC calls get this long to finish on stop before they are cancelled. */
const GRPC_DRAIN_TIMEOUT_MS = 10_000;

export interface HttpApiModuleOptions {
  name: ModuleName;
  server: HttpServerConfig;
  app: FastifyInstance;
  /** The same API over native gRPC, served beside the HTTP one. */
  grpc?: { server: Server; address: HttpServerConfig };
  checks: readonly ReadinessCheck[];
  /** TLS of both listeners, followed as its files change (`app` must be built with its options). */
  tls?: ApiTls;
}

/**
 * A module whose job is an API: HTTP (and optionally native gRPC) listen on start, stop accepting
 * and drain on stop.
 */
export function httpApiModule(options: HttpApiModuleOptions, deps: ModuleDeps): Module {
  const log = deps.log.child({ module: options.name });
  let isListening = false;
  let isGrpcBound = false;
  let stopFollowingTls: () => void = () => undefined;
  const { tls } = options;
  return {
    name: options.name,
    checks: options.checks,
    async start() {
      if (tls) {
        // The app was built with `tls.httpsOptions()`: fastify's server is an https.Server.
        const server = options.app.server as unknown as HttpsServer;
        stopFollowingTls = tls.onHttpsChange((context) => server.setSecureContext(context));
        tls.start();
      }
      const address = await options.app.listen({
        host: options.server.host,
        port: options.server.port,
      });
      isListening = true;
      log.info({ address }, 'http api listening');
      if (options.grpc) {
        const { host, port } = options.grpc.address;
        const bound = await listenGrpc(options.grpc.server, host, port, tls?.grpcCredentials());
        isGrpcBound = true;
        log.info({ address: `${host}:${bound}` }, 'grpc api listening');
      }
    },
    async stop() {
      tls?.stop();
      stopFollowingTls();
      const closing: Promise<void>[] = [];
      if (isListening) {
        isListening = false;
        closing.push(options.app.close().then(() => log.info('http api closed')));
      }
      if (isGrpcBound && options.grpc) {
        isGrpcBound = false;
        closing.push(
          closeGrpc(options.grpc.server, GRPC_DRAIN_TIMEOUT_MS).then(() =>
            log.info('grpc api closed'),
          ),
        );
      }
      await Promise.all(closing);
    },
  };
}
