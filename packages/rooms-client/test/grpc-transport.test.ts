import { create, fromBinary, toBinary, type Message } from '@bufbuild/protobuf';
import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { RoomsApiError, RoomsClient, RoomsConnectionError } from '../src';
import { RoomsService } from '../src/gen/api/v1/rooms_pb';

/** What the stand-in server saw: the RPC, its message and its authorization metadata. */
interface Seen {
  rpc: string;
  request: Record<string, unknown>;
  authorization?: string;
}

type Handler = (
  request: Message,
) => Message | { code: number; details: string; retryAfter?: string };

/** A real grpc-js server of `api.v1.RoomsService` built from the package's own descriptors. */
async function startServer(handlers: Partial<Record<string, Handler>>, seen: Seen[]) {
  const server = new Server();
  const definition: Record<string, ServiceDefinition[string]> = {};
  const implementation: Record<string, unknown> = {};
  for (const method of RoomsService.methods) {
    definition[method.localName] = {
      path: `/api.v1.RoomsService/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (message: Message) => Buffer.from(toBinary(method.input, message)),
      requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes),
      responseSerialize: (message: Message) => Buffer.from(toBinary(method.output, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes),
    };
    implementation[method.localName] = (
      call: ServerUnaryCall<Message, Message>,
      callback: sendUnaryData<Message>,
    ) => {
      const [authorization] = call.metadata.get('authorization');
      const { $typeName: _type, ...request } = call.request as unknown as Record<string, unknown>;
      seen.push({
        rpc: method.name,
        request,
        ...(typeof authorization === 'string' && { authorization }),
      });
      const handler = handlers[method.name];
      if (!handler) return; // never answers: the client's deadline ends the call
      const answer = handler(call.request);
      if ('code' in answer && typeof answer.code === 'number') {
        const metadata = new Metadata();
        if (answer.retryAfter !== undefined) metadata.set('retry-after', answer.retryAfter);
        callback({ code: answer.code, details: answer.details, metadata });
      } else {
        callback(null, answer as Message);
      }
    };
  }
  server.addService(definition, implementation as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

describe('RoomsClient over native gRPC', () => {
  const seen: Seen[] = [];
  let pingAnswer: Handler;
  let allocateAnswer: Handler;
  let server: Awaited<ReturnType<typeof startServer>>;
  let client: RoomsClient;

  const method = (name: string) => RoomsService.methods.find((m) => m.name === name)!;

  beforeAll(async () => {
    server = await startServer(
      {
        UpdateRoomWithPing: (request) => pingAnswer(request),
        AllocateRoom: (request) => allocateAnswer(request),
        ForwardPlayerEvent: () =>
          create(method('ForwardPlayerEvent').output, { success: true, message: '' }),
      },
      seen,
    );
    client = new RoomsClient({
      address: server.address,
      transport: 'grpc',
      roomToken: 'room-token',
      token: 'mk_id_secret',
      // The client's default: the tests that need a deadline make a client of their own. A short
      // one here failed a loaded CI run (an allocation past 300 ms, on a slower machine).
      timeoutMs: 5_000,
    });
    // The first call loads @grpc/grpc-js and connects: under load that alone can outlast a short
    // deadline, and the idempotent ping would be sent twice. Warm up outside the tests.
    pingAnswer = () => create(method('UpdateRoomWithPing').output, { success: true });
    await client.ping('warm-up', 'room-0', { status: 'ready' }).catch(() => undefined);
  });

  beforeEach(() => {
    seen.length = 0;
    pingAnswer = () => create(method('UpdateRoomWithPing').output, { success: true });
  });

  afterAll(() => {
    client.close();
    server.close();
  });

  it('pings with the request message and the room token in the metadata', async () => {
    await expect(
      client.ping('arena', 'room-1', { status: 'occupied', runningMatches: 3, timestamp: 9 }),
    ).resolves.toBe(true);

    expect(seen).toEqual([
      {
        rpc: 'UpdateRoomWithPing',
        request: {
          schedulerName: 'arena',
          roomName: 'room-1',
          status: 'occupied',
          timestamp: 9n,
          runningMatches: 3n,
        },
        authorization: 'Bearer room-token',
      },
    ]);
  });

  it('allocates with the matchmaker credential', async () => {
    allocateAnswer = () =>
      create(method('AllocateRoom').output, {
        roomId: 'room-9',
        success: true,
        host: '10.0.0.9',
        ports: [{ name: 'game', protocol: 'UDP', port: 41000 }],
      });

    await expect(client.allocate('arena')).resolves.toEqual({
      roomId: 'room-9',
      host: '10.0.0.9',
      ports: [{ name: 'game', protocol: 'UDP', port: 41000 }],
    });
    expect(seen).toEqual([
      {
        rpc: 'AllocateRoom',
        request: { schedulerName: 'arena' },
        authorization: 'Bearer mk_id_secret',
      },
    ]);
  });

  it('throws the status code and message, with the retry-after trailer, not repeating an allocation', async () => {
    allocateAnswer = () => ({
      code: status.UNAVAILABLE,
      details: 'Redis is unavailable',
      retryAfter: '0',
    });

    const error = await client.allocate('arena').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RoomsApiError);
    expect(error).toMatchObject({
      transport: 'grpc',
      code: status.UNAVAILABLE,
      message: 'Redis is unavailable',
      retryAfterSeconds: 0,
      isUnavailable: true,
    });
    expect(seen).toHaveLength(1);
  });

  it('repeats a ping answered UNAVAILABLE and returns the answer of the repeat', async () => {
    let calls = 0;
    pingAnswer = () =>
      ++calls === 1
        ? { code: status.UNAVAILABLE, details: 'Redis is unavailable', retryAfter: '0' }
        : create(method('UpdateRoomWithPing').output, { success: true });

    await expect(client.ping('arena', 'room-1', { status: 'ready' })).resolves.toBe(true);
    expect(seen).toHaveLength(2);
  });

  it('gives up at the deadline when the server does not answer', async () => {
    const silent = new RoomsClient({
      address: server.address,
      transport: 'grpc',
      timeoutMs: 100,
      retries: 0,
    });

    const error = await silent
      .roomEvent('arena', 'room-1', { event: 'matchStarted' })
      .catch((e: unknown) => e);
    silent.close();

    expect(error).toBeInstanceOf(RoomsConnectionError);
    expect(error).toMatchObject({ isTimeout: true, isSent: true });
  });

  it('says the request was never sent when nothing listens', async () => {
    const port = await freePort();
    const nowhere = new RoomsClient({
      address: `http://127.0.0.1:${port}`,
      transport: 'grpc',
      retries: 0,
    });

    const error = await nowhere.allocate('arena').catch((e: unknown) => e);
    nowhere.close();

    expect(error).toMatchObject({ name: 'RoomsConnectionError', isSent: false });
  });

  it('sends the player id in the metadata of a player event', async () => {
    await client.playerEvent('arena', 'room-1', {
      event: 'playerLeft',
      playerId: 'p-1',
      timestamp: 3,
    });

    expect(seen[0]).toEqual({
      rpc: 'ForwardPlayerEvent',
      request: {
        schedulerName: 'arena',
        roomName: 'room-1',
        event: 'playerLeft',
        timestamp: 3n,
        metadata: { playerId: 'p-1' },
      },
      authorization: 'Bearer room-token',
    });
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
