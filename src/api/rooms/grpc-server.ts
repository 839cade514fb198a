/**
 * The Rooms API over native gRPC (`api.v1.RoomsService`), which Maestro only served through
 * grpc-gateway: the same RPC implementations as HTTP, the room token read from the
 * `authorization` metadata, errors through the same table. Built here, bound by the caller.
 */
import type { EventEmitter } from 'node:events';
import { Server, type handleUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import type { Message } from '@bufbuild/protobuf';
import { decodeBinaryMessage } from '../shared/binary-request';
import { toWireError } from '../shared/error-mapping';
import { grpcCallRunner, SamplingClass } from '../shared/request-tracing';
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
import { RoomsService } from '../../gen/api/v1/rooms_pb';
import { roomsMethods, type RoomsApiDeps } from './rooms-service';

function unaryHandler(rpc: BoundMethod, deps: RoomsApiDeps): handleUnaryCall<Buffer, Message> {
  const path = grpcMethodPath(rpc.service, rpc.method.name);
  const samplingClass =
    rpc.method === RoomsService.method.updateRoomWithPing ? SamplingClass.PING : undefined;
  const run = grpcCallRunner(path, samplingClass, deps.isTraced ?? false);
  // Only an allocation may wait: the other calls (pings) take no cancellation listener.
  const isWaiting = rpc.method === RoomsService.method.allocateRoom;
  const fail = (callback: sendUnaryData<Message>, error: unknown) => {
    const wire = toWireError(error);
    if (wire.isUnexpected) deps.log.error({ err: error, rpc: path }, 'rpc failed');
    callback(grpcErrorOf(wire));
  };
  return (call, callback) => {
    run(call.metadata, () =>
      Promise.resolve().then(() => {
        const request = decodeBinaryMessage(rpc.method.input, call.request);
        const context = isWaiting
          ? { ...grpcCallContext(call), signal: cancellationSignal(call) }
          : grpcCallContext(call);
        deps.auth.checkMessage(rpc.method, request, context.authorization);
        return rpc.invoke(request, context);
      }),
    ).then(
      (response) => callback(null, response),
      (error: unknown) => fail(callback, error),
    );
  };
}

/** Aborted when the client cancels the call or its deadline passes (a waiting allocation stops). */
function cancellationSignal(call: EventEmitter): AbortSignal {
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  return cancelled.signal;
}

/** A grpc-js server with `api.v1.RoomsService` (and server reflection on it), not yet bound. */
export function buildRoomsGrpcServer(
  deps: RoomsApiDeps,
  settings: GrpcServerSettings = DEFAULT_GRPC_SERVER_SETTINGS,
): Server {
  const server = new Server();
  const handlers = Object.fromEntries(
    roomsMethods(deps).map((rpc) => [rpc.method.localName, unaryHandler(rpc, deps)]),
  );
  server.addService(grpcServerDefinition(RoomsService), handlers);
  if (settings.shouldServeReflection) addReflection(server, [RoomsService]);
  return server;
}
