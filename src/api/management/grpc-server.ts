/**
 * The Management API over native gRPC (`api.v1.SchedulersService`, `api.v1.OperationsService`),
 * which Maestro only ever served through grpc-gateway: the same RPC implementations as HTTP, errors
 * through the same table. Built here, bound by the caller (see grpc-listen.ts).
 */
import { Server, type handleUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import type { Message } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import { decodeBinaryMessage } from '../shared/binary-request';
import { toWireError } from '../shared/error-mapping';
import { grpcCallRunner } from '../shared/request-tracing';
import {
  addReflection,
  DEFAULT_GRPC_SERVER_SETTINGS,
  type GrpcServerSettings,
} from '../shared/grpc-reflection';
import {
  grpcCallContext,
  grpcErrorOf,
  grpcMethodPath,
  grpcServerDefinition,
} from '../shared/grpc-service';
import type { BoundMethod } from '../shared/unary-service';
import { managementMethods, type ManagementApiDeps } from './management-service';

function unaryHandler(
  rpc: BoundMethod,
  log: Logger,
  isTraced: boolean,
): handleUnaryCall<Buffer, Message> {
  const path = grpcMethodPath(rpc.service, rpc.method.name);
  const run = grpcCallRunner(path, undefined, isTraced);
  const fail = (callback: sendUnaryData<Message>, error: unknown) => {
    const wire = toWireError(error);
    if (wire.isUnexpected) log.error({ err: error, rpc: path }, 'rpc failed');
    callback(grpcErrorOf(wire));
  };
  return (call, callback) => {
    run(call.metadata, () =>
      Promise.resolve().then(() =>
        rpc.invoke(decodeBinaryMessage(rpc.method.input, call.request), grpcCallContext(call)),
      ),
    ).then(
      (response) => callback(null, response),
      (error: unknown) => fail(callback, error),
    );
  };
}

/** A grpc-js server with both services (and server reflection on them) registered, not yet bound. */
export function buildManagementGrpcServer(
  deps: ManagementApiDeps,
  settings: GrpcServerSettings = DEFAULT_GRPC_SERVER_SETTINGS,
): Server {
  const server = new Server();
  const rpcs = managementMethods(deps);
  const services = [...new Set(rpcs.map((rpc) => rpc.service))];
  for (const service of services) {
    const handlers = Object.fromEntries(
      rpcs
        .filter((rpc) => rpc.service === service)
        .map((rpc) => [rpc.method.localName, unaryHandler(rpc, deps.log, deps.isTraced ?? false)]),
    );
    server.addService(grpcServerDefinition(service), handlers);
  }
  if (settings.shouldServeReflection) addReflection(server, services);
  return server;
}
