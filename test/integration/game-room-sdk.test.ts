/**
 * @maestro/game-room-sdk and @maestro/rooms-client against the real Rooms API (HTTP and native
 * gRPC, on PostgreSQL and Redis, forwarding to a real GRPCForwarder backend): a GameRoom pings
 * ready, a matchmaker allocates it through the client, it turns occupied, and reports terminating
 * when it shuts down; with room authentication on, its token is what lets it in.
 */
import { GameRoom, RoomsApiError, type GameRoomOptions } from '@maestro/game-room-sdk';
import { RoomsClient } from '@maestro/rooms-client';
import { roomToken } from '../../src/app/rooms-token';
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import { uniqueSuffix } from '../support/infra';
import {
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';
import { eventually } from '../support/runtime-contract';

const SECRET = 'game-room-sdk-secret-of-at-least-32-characters';

describe.each([
  ['HTTP', 'http'],
  ['native gRPC', 'grpc'],
] as const)('a GameRoom and a matchmaker over %s', (_name, transport) => {
  let api: RoomsApiHarness;
  let scheduler: string;
  const rooms: GameRoom[] = [];
  const clients: RoomsClient[] = [];

  beforeAll(async () => {
    api = await startRoomsApi({ auth: { isRequired: true, secret: SECRET } });
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    scheduler = `sdk-${uniqueSuffix()}`;
    api.forwarder.calls.length = 0;
    await api.schedulers.createScheduler(
      testScheduler(scheduler, { forwarders: [forwarderAt('backend', api.forwarder.address)] }),
    );
  });
  afterEach(async () => {
    await Promise.all(rooms.splice(0).map((room) => room.stop()));
    for (const client of clients.splice(0)) client.close();
  });

  const address = () => (transport === 'http' ? api.baseUrl : api.grpcAddress);

  /** A room maestro created and the runtime placed, and the GameRoom its process runs. */
  async function gameRoom(roomId: string, options: GameRoomOptions = {}) {
    await api.lifecycle.roomCreating({ id: roomId, scheduler, version: 'v1.0.0' });
    await api.lifecycle.instanceChanged({ type: 'added', instance: instance(scheduler, roomId) });
    const room = new GameRoom({
      env: {
        MAESTRO_SCHEDULER_NAME: scheduler,
        MAESTRO_ROOM_ID: roomId,
        MAESTRO_ROOM_TOKEN: roomToken(SECRET, scheduler, roomId),
        ROOMS_API_ADDRESS: address(),
      },
      transport,
      signals: [],
      exit: jest.fn(),
      ...options,
    });
    rooms.push(room);
    return room;
  }

  const matchmaker = () => {
    const client = new RoomsClient({ address: address(), transport });
    clients.push(client);
    return client;
  };

  it('pings ready, is allocated, turns occupied and reports terminating when it shuts down', async () => {
    const room = await gameRoom('room-1');

    await expect(room.ready()).resolves.toMatchObject({ isRecorded: true });
    expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({ status: 'ready' });

    await expect(matchmaker().allocate(scheduler)).resolves.toEqual({
      roomId: 'room-1',
      host: '10.7.7.7',
      ports: [{ name: 'game', protocol: 'UDP', port: 40500 }],
    });
    expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({ status: 'allocated' });

    await expect(room.occupied()).resolves.toMatchObject({ isRecorded: true });
    expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({
      status: 'occupied',
      runningMatches: 1,
    });

    await room.shutdown('SIGTERM');
    expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({
      status: 'terminating',
      pingStatus: 'terminating',
    });
  });

  it('tells a matchmaker there is no ready room', async () => {
    const room = await gameRoom('room-1');
    await room.occupied();

    const error = await matchmaker()
      .allocate(scheduler)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RoomsApiError);
    expect(error).toMatchObject({ isNoReadyRooms: true, transport });
  });

  it('forwards its room and player events to the game backend', async () => {
    const room = await gameRoom('room-1');
    await room.ready();

    await expect(room.roomEvent('matchStarted', { map: 'dust' })).resolves.toEqual({
      success: true,
      message: '',
    });
    await expect(room.playerEvent('playerJoin', 'player-7')).resolves.toEqual({
      success: true,
      message: '',
    });

    await eventually(async () =>
      expect(api.forwarder.calls.map((call) => call.rpc)).toEqual(
        expect.arrayContaining(['SendRoomEvent', 'SendPlayerEvent']),
      ),
    );
  });

  it('is refused without its room token, and says so as a failed ping', async () => {
    const room = await gameRoom('room-1', { roomToken: 'not-the-token' });
    const failures: unknown[] = [];
    room.on('pingFailed', (error) => failures.push(error));

    await expect(room.ready()).resolves.toMatchObject({ isRecorded: false });

    expect(failures).toEqual([expect.objectContaining({ isUnauthenticated: true, transport })]);
    expect(await api.rooms.getRoom(scheduler, 'room-1')).not.toMatchObject({ status: 'ready' });
  });
});

const instance = (scheduler: string, roomId: string): GameRoomInstance => ({
  id: roomId,
  scheduler,
  version: 'v1.0.0',
  status: 'ready',
  address: { host: '10.7.7.7', ports: [{ name: 'game', protocol: 'UDP', port: 40500 }] },
  createdAt: new Date(),
});
