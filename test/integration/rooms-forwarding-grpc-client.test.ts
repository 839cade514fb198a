/**
 * Event forwarding against real GRPCForwarder servers, by the gRPC forwarder client: each call
 * with its forwarder's own deadline, over reused connections, through unreachable and unresolvable
 * addresses.
 */
import net from 'node:net';
import { GrpcForwarderClient } from '../../src/adapters/forwarder-grpc/grpc-forwarder-client';
import type { RoomMessage } from '../../src/domain/game-room/forwarding';
import type { Forwarder } from '../../src/domain/scheduler/scheduler';
import { ForwardingFailedError } from '../../src/ports/forwarder';
import { startTestForwarder, type TestForwarder } from '../support/forwarder-server';
import { like } from '../support/rooms-api-server';
import { eventually } from '../support/runtime-contract';

const message: RoomMessage = {
  rpc: 'SendRoomEvent',
  eventType: 'matchStarted',
  room: { game: 'g', roomId: 'r', host: 'h', port: 1, metadata: {}, roomType: '' },
};

/**
 * A forwarder at `address`. Calls expected to succeed get a deadline a stalled CI worker cannot
 * miss (1 s failed under a loaded CI run); the deadline test passes its own.
 */
const target = (address: string, timeoutMs = 10_000): Forwarder => ({
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
    expect(Date.now() - started).toBeLessThan(1_500); // the 150 ms deadline, not the 2 s answer
  });

  it('fails Unavailable when nothing listens, and reconnects once the forwarder is back', async () => {
    const address = forwarder.address;
    await client.send(target(address), message);
    await forwarder.close();

    await expect(client.send(target(address), message)).rejects.toMatchObject({
      code: 'Unavailable',
    });

    forwarder = await startTestForwarder(Number(address.split(':')[1]));
    await eventually(() => client.send(target(address, 1_000), message), 5_000);
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
