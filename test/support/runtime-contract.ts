import type { GameRoomInstance, InstanceEvent } from '../../src/domain/game-room/instance';
import { RoomNotFoundError } from '../../src/domain/game-room/errors';
import type { Spec } from '../../src/domain/scheduler/spec';
import type { Runtime, RuntimeScheduler } from '../../src/ports/runtime';
import { uniqueSuffix } from './infra';

/** What a runtime adapter's test file provides to the shared contract suite. */
export interface RuntimeContractSubject {
  runtime: () => Runtime;
  /** A spec whose rooms start and stay up on this runtime (version `v1.0.0`). */
  spec: () => Spec;
  /** Host ports for the n-th room of a test (the spec has one port named `game`). */
  hostPorts: (index: number) => Record<string, number>;
  /** How many rooms the bulk test creates. */
  bulkRooms: number;
}

/**
 * The behaviour every `Runtime` adapter must show, as seen through the port. Each test works in a
 * scheduler of its own and deletes it afterwards.
 */
export function describeRuntimeContract(name: string, subject: RuntimeContractSubject): void {
  describe(`${name} runtime contract`, () => {
    let scheduler: RuntimeScheduler;
    const runtime = () => subject.runtime();
    const createRoom = (roomId: string, index = 0) =>
      runtime().createRoom({
        scheduler,
        roomId,
        spec: subject.spec(),
        hostPorts: subject.hostPorts(index),
      });

    beforeEach(async () => {
      scheduler = {
        name: `contract-${uniqueSuffix()}`,
        labels: { team: 'contract' },
        annotations: {},
      };
      await runtime().createSchedulerSpace(scheduler);
    });

    afterEach(async () => {
      await runtime().deleteSchedulerSpace(scheduler.name);
    });

    it('succeeds when a scheduler space is created or deleted twice', async () => {
      await runtime().createSchedulerSpace(scheduler);
      await runtime().deleteSchedulerSpace(scheduler.name);
      await runtime().deleteSchedulerSpace(scheduler.name);

      expect(await runtime().listRooms(scheduler.name)).toEqual([]);
    });

    it('reports a created room ready with its scheduler, version and address', async () => {
      const roomId = `${scheduler.name}-room1`;

      const created = await createRoom(roomId);
      const ready = await eventuallyStatus(runtime(), scheduler.name, roomId, 'ready');

      expect(created).toMatchObject({ id: roomId, scheduler: scheduler.name, version: 'v1.0.0' });
      expect(ready.createdAt).toBeInstanceOf(Date);
      const address = await runtime().roomAddress(scheduler.name, roomId);
      expect(address.host).not.toBe('');
      expect(address.ports).toEqual([
        { name: 'game', protocol: 'TCP', port: subject.hostPorts(0)['game'] },
      ]);
    });

    it('returns the same room and creates no other when the creation is retried', async () => {
      const roomId = `${scheduler.name}-again`;

      const first = await createRoom(roomId);
      const second = await createRoom(roomId);

      expect(second.id).toBe(first.id);
      expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
      expect((await runtime().listRooms(scheduler.name)).map((room) => room.id)).toEqual([roomId]);
    });

    it('removes a deleted room and succeeds when deleting it again or deleting an unknown room', async () => {
      const roomId = `${scheduler.name}-gone`;
      await createRoom(roomId);
      await eventuallyStatus(runtime(), scheduler.name, roomId, 'ready');

      await runtime().deleteRoom({ scheduler: scheduler.name, roomId, reason: 'scale_down' });
      await eventually(async () =>
        expect(await runtime().getRoom(scheduler.name, roomId)).toBeUndefined(),
      );
      await runtime().deleteRoom({ scheduler: scheduler.name, roomId, reason: 'scale_down' });
      await runtime().deleteRoom({
        scheduler: scheduler.name,
        roomId: 'never-existed',
        reason: 'scale_down',
      });

      expect(await runtime().listRooms(scheduler.name)).toEqual([]);
    });

    it('removes a room whose deletion is forced, also when it is already terminating', async () => {
      const [graceful, forced] = [`${scheduler.name}-graceful`, `${scheduler.name}-forced`];
      await Promise.all([createRoom(graceful, 0), createRoom(forced, 1)]);
      await eventuallyStatus(runtime(), scheduler.name, graceful, 'ready');
      await eventuallyStatus(runtime(), scheduler.name, forced, 'ready');

      await runtime().deleteRoom({ scheduler: scheduler.name, roomId: graceful, reason: 'test' });
      await runtime().deleteRoom({
        scheduler: scheduler.name,
        roomId: graceful,
        reason: 'expired_room',
        force: true,
      });
      await runtime().deleteRoom({
        scheduler: scheduler.name,
        roomId: forced,
        reason: 'expired_room',
        force: true,
      });

      await eventually(async () => expect(await runtime().listRooms(scheduler.name)).toEqual([]));
    });

    it('rejects an address request for an unknown room with RoomNotFoundError', async () => {
      await expect(runtime().roomAddress(scheduler.name, 'nope')).rejects.toBeInstanceOf(
        RoomNotFoundError,
      );
    });

    it('streams added, ready and deleted events when a room lives and dies under a watch', async () => {
      const existing = `${scheduler.name}-existing`;
      await createRoom(existing);
      const controller = new AbortController();
      const events: InstanceEvent[] = [];
      const consuming = (async () => {
        for await (const event of runtime().watchRooms(scheduler.name, controller.signal))
          events.push(event);
      })();
      const roomId = `${scheduler.name}-watched`;

      await eventually(async () => expect(events.map((e) => e.instance.id)).toContain(existing));
      await createRoom(roomId, 1);
      await eventually(async () => expect(statusesOf(events, roomId)).toContain('ready'));
      await runtime().deleteRoom({ scheduler: scheduler.name, roomId, reason: 'scale_down' });
      await eventually(async () => expect(typesOf(events, roomId)).toContain('deleted'));
      controller.abort();
      await consuming;

      expect(events.find((e) => e.instance.id === existing)?.type).toBe('added');
      const types = typesOf(events, roomId);
      expect(types[0]).toBe('added');
      expect(types.at(-1)).toBe('deleted');
      expect(types.filter((type) => type === 'deleted')).toHaveLength(1);
    });

    it(`brings ${subject.bulkRooms} rooms created at once to ready`, async () => {
      const ids = Array.from({ length: subject.bulkRooms }, (_, i) => `${scheduler.name}-bulk${i}`);

      await Promise.all(ids.map((id, index) => createRoom(id, index)));
      await eventually(async () => {
        const rooms = await runtime().listRooms(scheduler.name);
        expect(
          rooms
            .filter((room) => room.status === 'ready')
            .map((room) => room.id)
            .sort(),
        ).toEqual(ids.sort());
      }, 60_000);
    });
  });
}

const typesOf = (events: InstanceEvent[], roomId: string) =>
  events.filter((e) => e.instance.id === roomId).map((e) => e.type);
const statusesOf = (events: InstanceEvent[], roomId: string) =>
  events.filter((e) => e.instance.id === roomId).map((e) => e.instance.status);

/** Retries `assertion` until it passes or `timeoutMs` runs out (then its last failure is thrown). */
export async function eventually(
  assertion: () => Promise<void>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

export async function eventuallyStatus(
  runtime: Runtime,
  scheduler: string,
  roomId: string,
  status: GameRoomInstance['status'],
  timeoutMs = 20_000,
): Promise<GameRoomInstance> {
  let room: GameRoomInstance | undefined;
  await eventually(async () => {
    room = await runtime.getRoom(scheduler, roomId);
    expect(room?.status).toBe(status);
  }, timeoutMs);
  return room!;
}
