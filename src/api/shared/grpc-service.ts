/**
 * grpc-js service definitions built from protobuf-es service descriptors, so the native gRPC
 * server and its clients use the same generated code as the HTTP layer: method paths
 * `/<package>.<Service>/<Method>`, messages in protobuf binary (toBinary / fromBinary).
 */
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescService,
  type Message,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import {
  Metadata,
  type MethodDefinition,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import { grpcAuthorization } from './authorization';
import type { WireError } from './error-mapping';
import type { CallContext } from './unary-service';

type MessageInit = MessageInitShape<DescMessage>;

export const grpcMethodPath = (service: DescService, methodName: string): string =>
  `/${service.typeName}/${methodName}`;

/**
 * The server side: requests are handed over as raw bytes and decoded by the handler, so that
 * undecodable bytes become INVALID_ARGUMENT naming the field (grpc-js answers INTERNAL when its
 * own deserializer throws). Methods are keyed by their local name (`createScheduler`).
 */
export function grpcServerDefinition(service: DescService): ServiceDefinition {
  return Object.fromEntries(
    service.methods.map((method): [string, MethodDefinition<Buffer, Message>] => [
      method.localName,
      {
        path: grpcMethodPath(service, method.name),
        originalName: method.name,
        requestStream: false,
        responseStream: false,
        requestSerialize: (request) => request,
        requestDeserialize: (bytes) => bytes,
        responseSerialize: (response) => Buffer.from(toBinary(method.output, response)),
        responseDeserialize: (bytes) => fromBinary(method.output, bytes),
      },
    ]),
  );
}

/**
 * The client side (`makeGenericClientConstructor(grpcClientDefinition(S), S.name)`): requests are
 * protobuf-es messages or their init objects, responses protobuf-es messages.
 */
export function grpcClientDefinition(service: DescService): ServiceDefinition {
  return Object.fromEntries(
    service.methods.map((method): [string, MethodDefinition<MessageInit, Message>] => [
      method.localName,
      {
        path: grpcMethodPath(service, method.name),
        originalName: method.name,
        requestStream: false,
        responseStream: false,
        requestSerialize: (request) =>
          Buffer.from(toBinary(method.input, create(method.input, request))),
        requestDeserialize: (bytes) => fromBinary(method.input, bytes),
        responseSerialize: (response) => Buffer.from(toBinary(method.output, response)),
        responseDeserialize: (bytes) => fromBinary(method.output, bytes),
      },
    ]),
  );
}

/** What an RPC may know of the gRPC call besides its message. */
export function grpcCallContext(call: ServerUnaryCall<unknown, unknown>): CallContext {
  return { authorization: grpcAuthorization(call.metadata), peer: call.getPeer() };
}

/** What a gRPC server answers for an error: its code and message, `retry-after` as a trailer. */
export function grpcErrorOf(wire: WireError): {
  code: number;
  details: string;
  metadata: Metadata;
} {
  const metadata = new Metadata();
  if (wire.retryAfterSeconds !== undefined) {
    metadata.set('retry-after', String(wire.retryAfterSeconds));
  }
  return { code: wire.grpcStatus, details: wire.message, metadata };
}
