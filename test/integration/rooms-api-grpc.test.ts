/**
 * The Rooms API over native gRPC (`api.v1.RoomsService`, which Maestro never served natively), its
 * server reflection, and room authentication on both transports.
 */
import { create, type DescService, type Message } from '@bufbuild/protobuf';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type Client,
  type ServiceError,
} from '@grpc/grpc-js';
import { grpcClientDefinition } from '../../src/api/shared/grpc-service';
import { roomToken } from '../../src/app/rooms-token';
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import {
  AllocateRoomRequestSchema,
  RoomsService,
  UpdateRoomWithPingRequestSchema,
  type AllocateRoomResponse,
  type UpdateRoomWithPingResponse,
} from '../../src/gen/api/v1/rooms_pb';
import { uniqueSuffix } from '../support/infra';
import { reflect, reflectedService, servicesOf } from '../support/reflection-client';
import {
  call,
  like,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';

const SECRET = 'integration-secret-of-at-least-32-characters';

function roomsClient(address: string, service: DescService = RoomsService) {
  const Constructor = makeGenericClientConstructor(grpcClientDefinition(service), service.name);
  const client = new Constructor(address, credentials.createInsecure());
  const invoke = <Response extends Message>(
    method: string,
    request: Message,
    metadata = new Metadata(),
  ) =>
    new Promise<Response>((resolve, reject) => {
      const fn = (client as unknown as Record<string, (...args: unknown[]) => void>)[method]!;
      fn.call(client, request, metadata, (error: ServiceError | null, response?: Response) =>
        error ? reject(error) : resolve(response!),
      );
    });
  return { client: client as Client, invoke };
}

const instance = (scheduler: string, roomId: string): GameRoomInstance => ({
  id: roomId,
  scheduler,
  version: 'v1.0.0',
  status: 'ready',
  address: { host: '10.9.9.9', ports: [{ name: 'game', protocol: 'UDP', port: 41000 }] },
  createdAt: new Date(),
});

describe.each([
  ['off', false],
  ['required', true],
])('Rooms API over native gRPC with room authentication %s', (_mode, isRequired) => {
  let api: RoomsApiHarness;
  let rooms: ReturnType<typeof roomsClient>;
  let scheduler: string;

  const bearer = (roomId: string) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${roomToken(SECRET, scheduler, roomId)}`);
    return metadata;
  };
  const pingRequest = (roomId: string, status = 'ready') =>
    create(UpdateRoomWithPingRequestSchema, { schedulerName: scheduler, roomName: roomId, status });

  beforeAll(async () => {
    api = await startRoomsApi({ auth: { isRequired, secret: SECRET } });
    rooms = roomsClient(api.grpcAddress);
  });

  afterAll(async () => {
    rooms.client.close();
    await api.close();
  });

  beforeEach(async () => {
    scheduler = `grpc-${uniqueSuffix()}`;
    await api.schedulers.createScheduler(
      testScheduler(scheduler, { forwarders: [forwarderAt('backend', api.forwarder.address)] }),
    );
    await api.lifecycle.roomCreating({ id: 'room-1', scheduler, version: 'v1.0.0' });
    await api.lifecycle.instanceChanged({ type: 'added', instance: instance(scheduler, 'room-1') });
  });

  it('records a ping sent with the room’s token and lets it be allocated', async () => {
    const answer = await rooms.invoke<UpdateRoomWithPingResponse>(
      'updateRoomWithPing',
      pingRequest('room-1'),
      bearer('room-1'),
    );

    expect(answer.success).toBe(true);
    const allocation = await rooms.invoke<AllocateRoomResponse>(
      'allocateRoom',
      create(AllocateRoomRequestSchema, { schedulerName: scheduler }),
    );
    expect(allocation).toMatchObject({
      roomId: 'room-1',
      success: true,
      host: '10.9.9.9',
      ports: [{ name: 'game', protocol: 'UDP', port: 41000 }],
    });
  });

  it('answers RESOURCE_EXHAUSTED when no room is ready and NOT_FOUND for an unknown scheduler', async () => {
    const request = (name: string) => create(AllocateRoomRequestSchema, { schedulerName: name });

    await expect(rooms.invoke('allocateRoom', request(scheduler))).rejects.toMatchObject({
      code: 8,
      details: `no ready rooms available for scheduler ${scheduler}`,
    });
    await expect(rooms.invoke('allocateRoom', request('missing'))).rejects.toMatchObject({
      code: 5,
      details: 'scheduler missing not found',
    });
  });

  it('answers INVALID_ARGUMENT naming the field for a wait that is not a duration', async () => {
    const request = create(AllocateRoomRequestSchema, { schedulerName: scheduler, wait: 'soon' });

    const failure = (await rooms
      .invoke('allocateRoom', request)
      .catch((error: unknown) => error)) as {
      code: number;
      details: string;
    };

    expect(failure.code).toBe(3);
    expect(failure.details).toContain('wait');
  });

  it('describes itself over server reflection without any token, enough for a client with no .proto to ping', async () => {
    const [services] = await reflect(api.grpcAddress, [
      { messageRequest: { case: 'listServices', value: '' } },
    ]);
    const [servicesV1Alpha] = await reflect(
      api.grpcAddress,
      [{ messageRequest: { case: 'listServices', value: '' } }],
      'v1alpha',
    );
    const service = await reflectedService(api.grpcAddress, 'api.v1.RoomsService');
    const generic = roomsClient(api.grpcAddress, service);

    const answer = await generic.invoke<Message>(
      'updateRoomWithPing',
      create(service.method['updateRoomWithPing']!.input, {
        schedulerName: scheduler,
        roomName: 'room-1',
        status: 'ready',
      }),
      bearer('room-1'),
    );
    generic.client.close();

    expect(servicesOf(services).sort()).toEqual([
      'api.v1.RoomsService',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ]);
    expect(servicesOf(servicesV1Alpha)).toEqual(servicesOf(services));
    expect(service.methods.map((method) => method.name)).toEqual(
      RoomsService.methods.map((method) => method.name),
    );
    expect(answer.$typeName).toBe('api.v1.UpdateRoomWithPingResponse');
    expect(answer).toMatchObject({ success: true });
    expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({ pingStatus: 'ready' });
  });

  it('answers INVALID_ARGUMENT for a ping whose status is not one of the four', async () => {
    await expect(
      rooms.invoke('updateRoomWithPing', pingRequest('room-1', 'bogus'), bearer('room-1')),
    ).rejects.toMatchObject({ code: 3 });
  });

  if (isRequired) {
    it.each([
      ['no token', () => new Metadata()],
      ['another room’s token', () => bearer('room-2')],
    ])(
      'answers UNAUTHENTICATED over gRPC and 401 over HTTP with %s, changing nothing',
      async (_case, metadata) => {
        await expect(
          rooms.invoke('updateRoomWithPing', pingRequest('room-1'), metadata()),
        ).rejects.toMatchObject({
          code: 16,
        });
        const token = metadata().get('authorization')[0];
        const answer = await call(
          api,
          'PUT',
          `/scheduler/${scheduler}/rooms/room-1/ping`,
          { status: 'ready' },
          typeof token === 'string' ? { authorization: token } : {},
        );
        expect(answer).toEqual({
          status: 401,
          body: { code: 16, message: like.text('room token'), details: [] },
        });
        expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({
          pingStatus: 'unknown',
        });
      },
    );

    it('checks the token before the body over HTTP', async () => {
      const answer = await call(
        api,
        'PUT',
        `/scheduler/${scheduler}/rooms/room-1/ping`,
        '{not json',
      );

      expect(answer.status).toBe(401);
    });

    it('protects every room route over HTTP but not allocation', async () => {
      const base = `/scheduler/${scheduler}/rooms`;
      const protectedRoutes = [
        call(api, 'POST', `${base}/room-1/roomevent`, { event: 'x' }),
        call(api, 'POST', `${base}/room-1/playerevent`, {
          event: 'playerJoin',
          metadata: { playerId: 'p' },
        }),
        call(api, 'PUT', `${base}/room-1/status`, { status: 'ready' }),
        call(api, 'GET', `${base}/room-1/address`),
      ];
      for (const answer of await Promise.all(protectedRoutes)) expect(answer.status).toBe(401);
      expect((await call(api, 'POST', `${base}/allocate`, {})).status).toBe(429);
      const withToken = await call(
        api,
        'POST',
        `${base}/room-1/roomevent`,
        { event: 'x' },
        {
          authorization: `Bearer ${roomToken(SECRET, scheduler, 'room-1')}`,
        },
      );
      expect(withToken).toEqual({ status: 200, body: { success: true, message: '' } });
    });
  } else {
    it('accepts room requests without any token', async () => {
      const answer = await rooms.invoke<UpdateRoomWithPingResponse>(
        'updateRoomWithPing',
        pingRequest('room-1'),
      );

      expect(answer.success).toBe(true);
    });
  }
});
