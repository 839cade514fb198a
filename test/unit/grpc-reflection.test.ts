import { Client, credentials, Server, status, type ServiceError } from '@grpc/grpc-js';
import { addReflection } from '../../src/api/shared/grpc-reflection';
import { closeGrpc, listenGrpc } from '../../src/api/shared/grpc-listen';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { reflect, servicesOf } from '../support/reflection-client';

/** Sends raw bytes on a reflection stream, as no well-behaved client would. */
function sendRaw(address: string, bytes: Buffer): Promise<Buffer[]> {
  const client = new Client(address, credentials.createInsecure());
  const stream = client.makeBidiStreamRequest(
    '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo',
    (request: Buffer) => request,
    (response: Buffer) => response,
  );
  const responses: Buffer[] = [];
  return new Promise<Buffer[]>((resolve, reject) => {
    stream.on('data', (response: Buffer) => responses.push(response));
    stream.on('error', reject);
    stream.on('end', () => resolve(responses));
    stream.write(bytes);
    stream.write(bytes);
    stream.end();
  }).finally(() => client.close());
}

describe('gRPC server reflection', () => {
  const server = new Server();
  let address: string;

  beforeAll(async () => {
    addReflection(server, [RoomsService]);
    address = `127.0.0.1:${await listenGrpc(server, '127.0.0.1', 0)}`;
  });
  afterAll(() => closeGrpc(server, 1_000));

  it('answers each request of a stream in order, over v1 and v1alpha alike', async () => {
    for (const version of ['v1', 'v1alpha'] as const) {
      const responses = await reflect(
        address,
        [
          { host: 'rooms', messageRequest: { case: 'listServices', value: '*' } },
          { messageRequest: { case: 'fileByFilename', value: 'nothing.proto' } },
        ],
        version,
      );

      expect(responses).toHaveLength(2);
      expect(responses[0]?.validHost).toBe('rooms');
      expect(responses[0]?.originalRequest?.messageRequest).toEqual({
        case: 'listServices',
        value: '*',
      });
      expect(servicesOf(responses[0])).toEqual([
        'api.v1.RoomsService',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
      ]);
      expect(responses[1]?.messageResponse).toMatchObject({
        case: 'errorResponse',
        value: { errorCode: status.NOT_FOUND, errorMessage: 'file nothing.proto not found' },
      });
    }
  });

  it('ends the stream with INVALID_ARGUMENT when a request cannot be decoded', async () => {
    const failure = await sendRaw(address, Buffer.from([0xff, 0xff, 0xff])).then(
      () => undefined,
      (error: ServiceError) => error,
    );

    expect(failure?.code).toBe(status.INVALID_ARGUMENT);
    expect(failure?.details).toBe('undecodable reflection request');
  });
});
