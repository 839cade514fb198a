/**
 * gRPC server reflection (`grpc.reflection.v1` and the older `v1alpha`, the same messages on the
 * wire) over the protobuf-es descriptors a server is built from, so that grpcurl, grpcui, Postman
 * and other generic clients call the APIs without being given the .proto files. It reveals the
 * schema only (the same files as proto/ in this repository), never data, and needs no credential.
 */
import { create, fromBinary, toBinary, type DescFile, type DescService } from '@bufbuild/protobuf';
import type {
  MethodDefinition,
  Server,
  ServerDuplexStream,
  ServiceDefinition,
} from '@grpc/grpc-js';
import {
  ServerReflection,
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
  type ServerReflectionRequest,
} from '../../gen/grpc/reflection/v1/reflection_pb';
import { ServerReflection as ServerReflectionV1Alpha } from '../../gen/grpc/reflection/v1alpha/reflection_pb';
import { GrpcStatus } from './error-mapping';
import { grpcMethodPath } from './grpc-service';
import { ReflectionIndex } from './reflection-index';

/** How a gRPC server is built besides its services. */
export interface GrpcServerSettings {
  /** Serve server reflection (MAESTRO_GRPC_REFLECTION). */
  shouldServeReflection: boolean;
}

export const DEFAULT_GRPC_SERVER_SETTINGS: GrpcServerSettings = { shouldServeReflection: true };

type ReflectionStream = ServerDuplexStream<Buffer, Uint8Array>;

/** Requests stay raw bytes, so that undecodable ones end the stream with INVALID_ARGUMENT. */
function reflectionDefinition(service: DescService): ServiceDefinition {
  const method: MethodDefinition<Buffer, Uint8Array> = {
    path: grpcMethodPath(service, ServerReflection.method.serverReflectionInfo.name),
    originalName: ServerReflection.method.serverReflectionInfo.name,
    requestStream: true,
    responseStream: true,
    requestSerialize: (request) => request,
    requestDeserialize: (bytes) => bytes,
    responseSerialize: (response) => Buffer.from(response),
    responseDeserialize: (bytes) => bytes,
  };
  return { serverReflectionInfo: method };
}

function decodeRequest(bytes: Buffer): ServerReflectionRequest | undefined {
  try {
    return fromBinary(ServerReflectionRequestSchema, bytes);
  } catch {
    return undefined;
  }
}

/**
 * One stream: each request answered in order; the files it sent are not sent again. An
 * undecodable request ends it with INVALID_ARGUMENT; what the client sends after is ignored.
 */
function serveStream(index: ReflectionIndex, stream: ReflectionStream): void {
  const sent = new Set<DescFile>();
  let hasFailed = false;
  stream.on('data', (bytes: Buffer) => {
    if (hasFailed) return;
    const request = decodeRequest(bytes);
    if (!request) {
      hasFailed = true;
      const error = {
        code: GrpcStatus.INVALID_ARGUMENT,
        details: 'undecodable reflection request',
      };
      stream.emit('error', error);
      return;
    }
    const response = create(ServerReflectionResponseSchema, {
      validHost: request.host,
      originalRequest: request,
      messageResponse: index.answer(request, sent),
    });
    stream.write(toBinary(ServerReflectionResponseSchema, response));
  });
  stream.on('end', () => {
    if (!hasFailed) stream.end();
  });
}

/**
 * Registers both versions of the reflection service on `server`, describing `services` (and
 * itself, as grpc-go's reflection does).
 */
export function addReflection(server: Server, services: readonly DescService[]): void {
  const versions = [ServerReflection, ServerReflectionV1Alpha];
  const index = new ReflectionIndex([...services, ...versions]);
  for (const version of versions) {
    server.addService(reflectionDefinition(version), {
      serverReflectionInfo: (stream: ReflectionStream) => serveStream(index, stream),
    });
  }
}
