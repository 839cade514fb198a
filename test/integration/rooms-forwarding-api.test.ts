/**
 * Event forwarding through the Rooms API against real GRPCForwarder servers: every enabled
 * forwarder is tried with its own metadata; rooms' lifecycle events (`terminated`).
 */
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import { startTestForwarder, type TestForwarder } from '../support/forwarder-server';
import { uniqueSuffix } from '../support/infra';
import {
  call,
  like,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';

describe('forwarding through the Rooms API', () => {
  let api: RoomsApiHarness;
  let second: TestForwarder;
  let scheduler: string;

  const instance = (
    roomId: string,
    status: GameRoomInstance['status'] = 'ready',
  ): GameRoomInstance => ({
    id: roomId,
    scheduler,
    version: 'v1.0.0',
    status,
    address: { host: '10.0.0.5', ports: [{ name: 'game', protocol: 'UDP', port: 40500 }] },
    createdAt: new Date(),
  });

  beforeAll(async () => {
    api = await startRoomsApi();
    second = await startTestForwarder();
  });

  afterAll(async () => {
    await second.close();
    await api.close();
  });

  beforeEach(async () => {
    scheduler = `fwd-${uniqueSuffix()}`;
    api.forwarder.calls.length = 0;
    second.calls.length = 0;
  });

  async function schedulerWith(forwarders: unknown[]) {
    await api.schedulers.createScheduler(testScheduler(scheduler, { forwarders }));
    await api.lifecycle.roomCreating({ id: 'room-1', scheduler, version: 'v1.0.0' });
    await api.lifecycle.instanceChanged({ type: 'added', instance: instance('room-1') });
  }

  it('tries every enabled forwarder even when the first one fails, and reports each failure', async () => {
    await schedulerWith([
      forwarderAt('down', '127.0.0.1:1'),
      forwarderAt('disabled', second.address, { enable: false }),
      forwarderAt('up', api.forwarder.address),
    ]);

    const answer = await call(api, 'POST', `/scheduler/${scheduler}/rooms/room-1/roomevent`, {
      event: 'e',
    });

    expect(answer).toEqual({
      status: 200,
      body: {
        success: false,
        message: like.matching(/^failed to forward event room at "down" with code Unavailable: /),
      },
    });
    expect(api.forwarder.calls).toHaveLength(1);
    expect(second.calls).toEqual([]);
  });

  it('sends each forwarder its own metadata', async () => {
    await schedulerWith([
      forwarderAt('a', api.forwarder.address, {
        options: { timeoutMs: 500, metadata: { roomType: 'solo' } },
      }),
      forwarderAt('b', second.address, {
        options: { timeoutMs: 500, metadata: { roomType: 'duo' } },
      }),
    ]);

    await call(api, 'PUT', `/scheduler/${scheduler}/rooms/room-1/status`, { status: 'ready' });

    expect(api.forwarder.calls[0]).toMatchObject({ message: { room: { roomType: 'solo' } } });
    expect(second.calls[0]).toMatchObject({ message: { room: { roomType: 'duo' } } });
  });

  it('forwards terminated once deletion is requested, and marks the room terminating', async () => {
    await schedulerWith([forwarderAt('up', api.forwarder.address)]);

    await api.lifecycle.roomDeleting(scheduler, 'room-1');

    expect(await api.rooms.getRoom(scheduler, 'room-1')).toMatchObject({ status: 'terminating' });
    expect(api.forwarder.calls).toEqual([
      {
        rpc: 'SendRoomStatus',
        message: like.object({
          statusType: 3,
          room: like.object({
            roomId: 'room-1',
            host: '10.0.0.5',
            port: 40500,
            metadata: like.object({
              eventType: 'status',
              pingType: 'terminated',
              roomEvent: 'terminated',
            }),
          }),
        }),
      },
    ]);
  });

  it('drops the room and forwards terminated when its instance is gone, once', async () => {
    await schedulerWith([forwarderAt('up', api.forwarder.address)]);

    await api.lifecycle.instanceChanged({
      type: 'deleted',
      instance: instance('room-1', 'terminating'),
    });
    await api.lifecycle.instanceChanged({
      type: 'deleted',
      instance: instance('room-1', 'terminating'),
    });

    expect(await api.rooms.getRoom(scheduler, 'room-1')).toBeUndefined();
    expect(api.forwarder.calls.map((c) => c.rpc)).toEqual(['SendRoomStatus']);
  });

  it('forwards nothing about a validation room', async () => {
    await schedulerWith([forwarderAt('up', api.forwarder.address)]);
    await api.lifecycle.roomCreating({
      id: 'v',
      scheduler,
      version: 'v2.0.0',
      isValidationRoom: true,
    });
    await api.lifecycle.instanceChanged({ type: 'added', instance: instance('v') });

    expect(
      await call(api, 'PUT', `/scheduler/${scheduler}/rooms/v/ping`, { status: 'ready' }),
    ).toMatchObject({
      body: { success: true },
    });
    await api.lifecycle.instanceChanged({
      type: 'updated',
      instance: instance('v', 'terminating'),
    });
    await api.lifecycle.roomDeleting(scheduler, 'v');
    await api.lifecycle.instanceChanged({
      type: 'deleted',
      instance: instance('v', 'terminating'),
    });
    await api.ping.drain();

    expect(api.forwarder.calls).toEqual([]);
  });

  it('counts forwarded events per forwarder', async () => {
    await schedulerWith([forwarderAt('up', api.forwarder.address)]);

    await call(api, 'POST', `/scheduler/${scheduler}/rooms/room-1/playerevent`, {
      event: 'playerLeft',
      metadata: { playerId: 'p' },
    });

    const metric = await api.registry
      .getSingleMetric('maestro_api_success_player_event_forwarding_total')!
      .get();
    expect(metric.values.filter((v) => v.labels['scheduler'] === scheduler)).toEqual([
      { value: 1, labels: { game: 'tennis', scheduler, forwarder: 'up', code: 'OK' } },
    ]);
  });
});
