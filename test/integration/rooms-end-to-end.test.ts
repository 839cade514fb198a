/**
 * A real game room (examples/game-room, a process of the local runtime) living under the Rooms
 * API with room authentication on: it gets its token in MAESTRO_ROOM_TOKEN, pings, is allocated,
 * reports occupied, and its events reach the game backend until it is gone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { LocalRuntime } from '../../src/adapters/runtime/local/local-runtime';
import { roomTokenEnvironment } from '../../src/app/rooms-token';
import { RoomStatus_RoomStatusType } from '../../src/gen/eventforwarder/events_pb';
import { uniqueSuffix } from '../support/infra';
import { eventually } from '../support/runtime-contract';
import {
  call,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';

const SECRET = 'end-to-end-secret-of-at-least-32-characters';
const root = path.resolve(__dirname, '../..');

describe('a game room under the Rooms API', () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-rooms-e2e-'));
  const runtime = new LocalRuntime(
    { stateDir, advertisedHost: '127.0.0.1', pollIntervalMs: 100 },
    pino({ level: 'silent' }),
  );
  const watching = new AbortController();
  let api: RoomsApiHarness;
  let scheduler: string;
  let watch: Promise<void>;

  beforeAll(async () => {
    api = await startRoomsApi({ auth: { isRequired: true, secret: SECRET } });
    scheduler = `e2e-${uniqueSuffix()}`;
    const definition = testScheduler(scheduler, {
      forwarders: [forwarderAt('backend', api.forwarder.address)],
    });
    await api.schedulers.createScheduler(definition);
    await runtime.createSchedulerSpace({ name: scheduler, labels: {}, annotations: {} });
    // The runtime watcher's job: every instance change goes to the rooms' state.
    watch = (async () => {
      for await (const event of runtime.watchRooms(scheduler, watching.signal)) {
        await api.lifecycle.instanceChanged(event);
      }
    })();
  });

  afterAll(async () => {
    await runtime.deleteSchedulerSpace(scheduler);
    watching.abort();
    await watch.catch(() => undefined);
    await api.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('pings with its token, is allocated, turns occupied and is terminated', async () => {
    const roomId = `${scheduler}-room`;
    const hostPort = 30_000 + Math.floor(Math.random() * 20_000);
    await api.lifecycle.roomCreating({ id: roomId, scheduler, version: 'v1.0.0' });
    await runtime.createRoom({
      scheduler: { name: scheduler, labels: {}, annotations: {} },
      roomId,
      spec: {
        ...testScheduler(scheduler).spec,
        containers: [
          {
            ...testScheduler(scheduler).spec.containers[0]!,
            command: ['node', path.join(root, 'examples/game-room/index.js')],
            environment: [
              { name: 'ROOMS_API_ADDRESS', value: api.baseUrl },
              { name: 'PING_INTERVAL_MS', value: '200' },
            ],
          },
        ],
      },
      hostPorts: { game: hostPort },
      environment: roomTokenEnvironment(SECRET, scheduler, roomId),
    });

    await eventually(async () =>
      expect(await api.rooms.getRoom(scheduler, roomId)).toMatchObject({ status: 'ready' }),
    );
    const allocation = await call(api, 'POST', `/scheduler/${scheduler}/rooms/allocate`, {});
    expect(allocation).toEqual({
      status: 200,
      body: {
        roomId,
        success: true,
        message: '',
        host: '127.0.0.1',
        ports: [{ name: 'game', protocol: 'UDP', port: hostPort }],
      },
    });
    await fetch(`http://127.0.0.1:${hostPort}/occupy`, { method: 'POST' });
    await eventually(async () =>
      expect(await api.rooms.getRoom(scheduler, roomId)).toMatchObject({ status: 'occupied' }),
    );
    await eventually(async () =>
      expect(
        api.forwarder.calls.some(
          (c) =>
            c.rpc === 'SendRoomResync' &&
            c.message.room?.roomId === roomId &&
            c.message.statusType === RoomStatus_RoomStatusType.occupied,
        ),
      ).toBe(true),
    );

    await runtime.deleteRoom({ scheduler, roomId, reason: 'scale_down' });
    await api.lifecycle.roomDeleting(scheduler, roomId);

    await eventually(async () =>
      expect(await api.rooms.getRoom(scheduler, roomId)).toBeUndefined(),
    );
    const terminated = api.forwarder.calls.filter(
      (c) =>
        c.rpc === 'SendRoomStatus' &&
        c.message.room?.roomId === roomId &&
        c.message.statusType === RoomStatus_RoomStatusType.terminated,
    );
    expect(terminated.length).toBeGreaterThanOrEqual(2);
    expect(api.problems().filter((line) => line.msg !== 'event forwarding failed')).toEqual([]);
  });
});
