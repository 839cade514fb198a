import type { DescService, Message } from '@bufbuild/protobuf';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { grpcClientDefinition } from '../../src/api/shared/grpc-service';

type UnaryCall<Request, Response> = (
  request: Request,
  metadata: Metadata,
  callback: (error: ServiceError | null, response?: Response) => void,
) => void;

/**
 * A native gRPC client of one service, built from the same protobuf-es descriptors as the server:
 * `call('createScheduler', request)` resolves with the response message or rejects with the
 * `ServiceError` (code, details). `authorization` is sent as that metadata when given.
 */
export function grpcClient(service: DescService, address: string) {
  const Constructor = makeGenericClientConstructor(grpcClientDefinition(service), service.name);
  const client = new Constructor(address, credentials.createInsecure());
  return {
    client,
    call: <Response extends Message>(
      method: string,
      request: unknown,
      authorization?: string,
    ): Promise<Response> => unary<unknown, Response>(client, method, request, authorization),
    close: () => client.close(),
  };
}

/** Sends `bytes` as the request of `path` as they are (for requests no client would encode). */
export function rawGrpcCall(client: Client, path: string, bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      path,
      (request: Buffer) => request,
      (response: Buffer) => response,
      bytes,
      (error, response) => (error ? reject(error) : resolve(response!)),
    ),
  );
}

function unary<Request, Response>(
  client: Client,
  method: string,
  request: Request,
  authorization?: string,
) {
  const fn = (client as unknown as Record<string, UnaryCall<Request, Response>>)[method];
  if (!fn) throw new Error(`no method ${method}`);
  const metadata = new Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return new Promise<Response>((resolve, reject) =>
    fn.call(client, request, metadata, (error, response) =>
      error ? reject(error) : resolve(response!),
    ),
  );
}
