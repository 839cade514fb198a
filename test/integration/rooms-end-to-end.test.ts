/**
 * A real game room (examples/game-room, a process of the local runtime) created by maestro's own
 * operations, living under the Rooms API with room authentication on: it gets its token in
 * MAESTRO_ROOM_TOKEN, pings, becomes ready through the runtime watcher, is allocated, reports
 * occupied, and its events reach the game backend until remove_rooms ends it.
 */
import { RoomStatus_RoomStatusType } from '../../src/gen/eventforwarder/events_pb';
import { startTestForwarder, type TestForwarder } from '../support/forwarder-server';
import { OperationsHarness } from '../support/operations-harness';
import { forwarderAt } from '../support/rooms-api-server';
import { eventually } from '../support/runtime-contract';

const SECRET = 'end-to-end-secret-of-at-least-32-characters';

describe('a game room created by add_rooms, under the Rooms API', () => {
  const harness = new OperationsHarness();
  const scheduler = `e2e-${harness.suffix}`;
  let forwarder: TestForwarder;

  beforeAll(async () => {
    forwarder = await startTestForwarder();
    await harness.start({
      env: { MAESTRO_ROOM_AUTH_SECRET: SECRET, MAESTRO_ROOM_AUTH_REQUIRED: 'true' },
    });
  });
  afterAll(async () => {
    await harness.stop();
    await forwarder.close();
  });

  const statusSent = (rpc: string, roomId: string, status: RoomStatus_RoomStatusType) =>
    forwarder.calls.filter(
      (c) =>
        c.rpc === rpc &&
        'statusType' in c.message &&
        c.message.room?.roomId === roomId &&
        c.message.statusType === status,
    );

  it('pings with its token, is allocated, turns occupied and is terminated', async () => {
    await harness.commands.createScheduler(
      harness.schedulerInput(scheduler, {
        forwarders: [forwarderAt('backend', forwarder.address)],
      }),
    );
    await eventually(
      async () => expect((await harness.schedulers.getScheduler(scheduler))?.state).toBe('in-sync'),
      30_000,
    );
    await harness.waitForOperation(
      scheduler,
      await harness.queue.enqueue(scheduler, 'add_rooms', { amount: 1 }),
      'finished',
    );
    const [roomId] = await harness.rooms.listRoomIds(scheduler);
    await eventually(
      async () =>
        expect(await harness.rooms.getRoom(scheduler, roomId!)).toMatchObject({ status: 'ready' }),
      30_000,
    );

    // Without the room's token the Rooms API refuses to act for it.
    const forged = await fetch(
      `${harness.roomsApiAddress}/scheduler/${scheduler}/rooms/${roomId}/ping`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'occupied', timestamp: 1 }),
      },
    );
    expect(forged.status).toBe(401);

    const allocation = await fetch(
      `${harness.roomsApiAddress}/scheduler/${scheduler}/rooms/allocate`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    const allocated = (await allocation.json()) as {
      roomId: string;
      ports: Array<{ port: number }>;
    };
    expect(allocated.roomId).toBe(roomId);
    const hostPort = allocated.ports[0]!.port;
    await fetch(`http://127.0.0.1:${hostPort}/occupy`, { method: 'POST' });
    await eventually(async () =>
      expect(await harness.rooms.getRoom(scheduler, roomId!)).toMatchObject({ status: 'occupied' }),
    );
    await eventually(async () =>
      expect(statusSent('SendRoomResync', roomId!, RoomStatus_RoomStatusType.occupied)).not.toEqual(
        [],
      ),
    );

    await harness.waitForOperation(
      scheduler,
      await harness.queue.enqueue(scheduler, 'remove_rooms', {
        amount: 0,
        rooms_ids: [roomId!],
        reason: 'scale_down',
      }),
      'finished',
    );
    await eventually(
      async () => expect(await harness.rooms.getRoom(scheduler, roomId!)).toBeUndefined(),
      30_000,
    );
    // Once when deletion is requested, once when the watcher sees the process gone.
    await eventually(async () =>
      expect(
        statusSent('SendRoomStatus', roomId!, RoomStatus_RoomStatusType.terminated).length,
      ).toBeGreaterThanOrEqual(2),
    );
  });
});
