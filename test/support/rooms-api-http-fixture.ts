/**
 * The Rooms API over HTTP as rooms and matchmakers call it (Maestro v1's routes and grpc-gateway
 * JSON), on real PostgreSQL, Redis and a real GRPCForwarder backend, for the
 * rooms-api-http-*.test.ts files: one API per file, a fresh scheduler forwarding to the backend for
 * every test.
 */
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import { RoomNotPlacedError } from '../../src/domain/game-room/errors';
import {
  call,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from './rooms-api-server';
import { uniqueSuffix } from './infra';

/**
 * Registers the file's hooks and returns the helpers. `current()` is this test's API and
 * scheduler (read it in a `beforeEach`). Call it in a `describe` body.
 */
export function roomsApiOverHttp() {
  let api: RoomsApiHarness;
  let scheduler: string;
  const placed = new Map<string, GameRoomInstance['address']>();

  const instance = (
    roomId: string,
    status: GameRoomInstance['status'] = 'ready',
  ): GameRoomInstance => ({
    id: roomId,
    scheduler,
    version: 'v1.0.0',
    status,
    address: {
      host: '10.1.2.3',
      ports: [
        { name: 'game', protocol: 'UDP', port: 40123 },
        { name: 'clientPort', protocol: 'TCP', port: 40124 },
      ],
    },
    createdAt: new Date('2026-01-01T00:00:00Z'),
  });

  /** A room maestro created whose instance the runtime reports `status`. */
  async function createdRoom(roomId: string, status: GameRoomInstance['status'] = 'ready') {
    await api.lifecycle.roomCreating({ id: roomId, scheduler, version: 'v1.0.0' });
    await api.lifecycle.instanceChanged({ type: 'added', instance: instance(roomId, status) });
  }

  const ping = (roomId: string, body: unknown, target = scheduler) =>
    call(api, 'PUT', `/scheduler/${target}/rooms/${roomId}/ping`, body);

  beforeAll(async () => {
    api = await startRoomsApi({
      allocationTtlMs: 60_000,
      runtime: {
        roomAddress: async (schedulerName, roomId) => {
          const address = placed.get(`${schedulerName}/${roomId}`);
          if (!address) throw new RoomNotPlacedError(schedulerName, roomId);
          return address;
        },
      },
    });
  });

  afterAll(async () => {
    await api.close();
  });

  beforeEach(async () => {
    scheduler = `rooms-${uniqueSuffix()}`;
    api.forwarder.calls.length = 0;
    api.forwarder.replyCode = 200;
    await api.schedulers.createScheduler(
      testScheduler(scheduler, { forwarders: [forwarderAt('backend', api.forwarder.address)] }),
    );
  });

  return { current: () => ({ api, scheduler }), placed, instance, createdRoom, ping };
}
