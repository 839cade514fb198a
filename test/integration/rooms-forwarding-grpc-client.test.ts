/**
 * Event forwarding against real GRPCForwarder servers: every enabled forwarder is tried, each with
 * its own deadline, over reused connections; rooms' lifecycle events (`terminated`).
 */
import net from 'node:net';
import { GrpcForwarderClient } from '../../src/adapters/forwarder-grpc/grpc-forwarder-client';
import type { RoomMessage } from '../../src/domain/game-room/forwarding';
import type { GameRoomInstance } from '../../src/domain/game-room/instance';
import type { Forwarder } from '../../src/domain/scheduler/scheduler';
import { ForwardingFailedError } from '../../src/ports/forwarder';
import { startTestForwarder, type TestForwarder } from '../support/forwarder-server';
import { uniqueSuffix } from '../support/infra';
import { eventually } from '../support/runtime-contract';
import {
  call,
  like,
  forwarderAt,
  startRoomsApi,
  testScheduler,
  type RoomsApiHarness,
} from '../support/rooms-api-server';

const message: RoomMessage = {
  rpc: 'SendRoomEvent',
  eventType: 'matchStarted',
  room: { game: 'g', roomId: 'r', host: 'h', port: 1, metadata: {}, roomType: '' },
};

const target = (address: string, timeoutMs = 1_000): Forwarder => ({
  name: 'backend',
  enable: true,
  type: 'gRPC',
  address,
  options: { timeoutMs, metadata: {} },
});

/** A TCP relay in front of `address` that counts the connections it accepts. */
async function countingRelay(address: string) {
  const [host, port] = address.split(':');
  let connections = 0;
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    connections += 1;
    const upstream = net.connect(Number(port), host);
    sockets.push(socket, upstream);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('GrpcForwarderClient', () => {
  let forwarder: TestForwarder;
  let client: GrpcForwarderClient;

  beforeEach(async () => {
    forwarder = await startTestForwarder();
    client = new GrpcForwarderClient();
  });

  afterEach(async () => {
    client.close();
    await forwarder.close();
  });

  it('delivers the message as the forwarder protocol’s RPC', async () => {
    await client.send(target(forwarder.address), message);

    expect(forwarder.calls).toEqual([
      {
        rpc: 'SendRoomEvent',
        message: like.object({
          eventType: 'matchStarted',
          room: like.object({ game: 'g', roomId: 'r', host: 'h', port: 1 }),
        }),
      },
    ]);
  });

  it('reuses one connection for many calls, concurrent or not', async () => {
    const relay = await countingRelay(forwarder.address);
    try {
      for (let i = 0; i < 5; i += 1) await client.send(target(relay.address), message);
      await Promise.all(
        Array.from({ length: 50 }, () => client.send(target(relay.address), message)),
      );

      expect(forwarder.count()).toBe(55);
      expect(relay.connections()).toBe(1);
    } finally {
      await relay.close();
    }
  });

  it('fails with the reply code when the forwarder answers a code other than 200', async () => {
    forwarder.replyCode = 500;

    const attempt = client.send(target(forwarder.address), message);

    await expect(attempt).rejects.toBeInstanceOf(ForwardingFailedError);
    await expect(attempt).rejects.toMatchObject({
      code: 'response_500',
      message: 'forwarder "backend" answered code 500: test reply',
    });
  });

  it('gives up at the forwarder’s own deadline', async () => {
    forwarder.delayMs = 2_000;
    const started = Date.now();

    await expect(client.send(target(forwarder.address, 150), message)).rejects.toMatchObject({
      code: 'DeadlineExceeded',
      message: like.text('failed to forward event room at "backend" with code DeadlineExceeded'),
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fails Unavailable when nothing listens, and reconnects once the forwarder is back', async () => {
    const address = forwarder.address;
    await client.send(target(address), message);
    await forwarder.close();

    await expect(client.send(target(address), message)).rejects.toMatchObject({
      code: 'Unavailable',
    });

    forwarder = await startTestForwarder(Number(address.split(':')[1]));
    await eventually(() => client.send(target(address), message), 5_000);
    expect(forwarder.count()).toBeGreaterThanOrEqual(1);
  });

  it('fails Unavailable for a name that does not resolve', async () => {
    await expect(client.send(target('no-such-host.invalid:9000'), message)).rejects.toMatchObject({
      code: 'Unavailable',
    });
  });

  it('delivers every call to a name resolving to several addresses of which only one listens', async () => {
    const port = forwarder.address.split(':')[1];

    // `localhost` is 127.0.0.1 and ::1 here; the forwarder listens on 127.0.0.1 only.
    await Promise.all(
      Array.from({ length: 10 }, () => client.send(target(`localhost:${port}`), message)),
    );

    expect(forwarder.count()).toBe(10);
  });
});

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
