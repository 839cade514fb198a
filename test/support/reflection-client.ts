/**
 * A gRPC server reflection client as grpcurl is one: it opens one `ServerReflectionInfo` stream,
 * sends the requests, and turns the file descriptors it gets back into a registry that must
 * resolve on its own (every import answered), as a generic client needs.
 */
import {
  create,
  createFileRegistry,
  fromBinary,
  toBinary,
  type DescService,
  type FileRegistry,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { credentials, Client, Metadata } from '@grpc/grpc-js';
import {
  ServerReflectionRequestSchema,
  ServerReflectionResponseSchema,
  type ServerReflectionResponse,
} from '../../src/gen/grpc/reflection/v1/reflection_pb';

export type ReflectionRequest = MessageInitShape<typeof ServerReflectionRequestSchema>;

/**
 * Sends `requests` on one stream of `grpc.reflection.<version>.ServerReflection` and resolves
 * with the responses once the server ends the stream (rejects with its status otherwise).
 */
export function reflect(
  address: string,
  requests: readonly ReflectionRequest[],
  version: 'v1' | 'v1alpha' = 'v1',
  metadata = new Metadata(),
): Promise<ServerReflectionResponse[]> {
  const client = new Client(address, credentials.createInsecure());
  const stream = client.makeBidiStreamRequest(
    `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
    (request: ReflectionRequest) =>
      Buffer.from(
        toBinary(ServerReflectionRequestSchema, create(ServerReflectionRequestSchema, request)),
      ),
    (bytes: Buffer) => fromBinary(ServerReflectionResponseSchema, bytes),
    metadata,
  );
  const responses: ServerReflectionResponse[] = [];
  return new Promise<ServerReflectionResponse[]>((resolve, reject) => {
    stream.on('data', (response: ServerReflectionResponse) => responses.push(response));
    stream.on('error', reject);
    stream.on('end', () => resolve(responses));
    for (const request of requests) stream.write(request);
    stream.end();
  }).finally(() => client.close());
}

/** The file descriptors of a file response. */
export function filesOf(response: ServerReflectionResponse) {
  const answer = response.messageResponse;
  if (answer.case !== 'fileDescriptorResponse') {
    throw new Error(`expected files, got ${answer.case}: ${JSON.stringify(answer.value)}`);
  }
  return answer.value.fileDescriptorProto.map((bytes) =>
    fromBinary(FileDescriptorProtoSchema, bytes),
  );
}

/**
 * A registry of the first file of these responses, resolving its imports only among the files
 * they hold; throws when an import was never sent.
 */
export function registryOf(responses: readonly ServerReflectionResponse[]): FileRegistry {
  const files = responses.flatMap(filesOf);
  const byName = new Map(files.map((file) => [file.name, file]));
  if (!files[0]) throw new Error('no file was sent');
  return createFileRegistry(files[0], (name) => byName.get(name));
}

/** The service names of a list_services response. */
export function servicesOf(response: ServerReflectionResponse | undefined): string[] {
  const answer = response?.messageResponse;
  if (answer?.case !== 'listServicesResponse') {
    throw new Error(`expected services, got ${answer?.case}`);
  }
  return answer.value.service.map((service) => service.name);
}

/**
 * A service as a generic client learns it from the server alone: list_services must name it, and
 * the file containing it must resolve with the imports the server sends.
 */
export async function reflectedService(
  address: string,
  name: string,
  version: 'v1' | 'v1alpha' = 'v1',
): Promise<DescService> {
  const [list, file] = await reflect(
    address,
    [
      { messageRequest: { case: 'listServices', value: '*' } },
      { messageRequest: { case: 'fileContainingSymbol', value: name } },
    ],
    version,
  );
  if (!servicesOf(list).includes(name)) throw new Error(`${name} is not listed`);
  const service = registryOf([file!]).getService(name);
  if (!service) throw new Error(`${name} is not in the file sent for it`);
  return service;
}
