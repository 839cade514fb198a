/**
 * examples/game-room/index.js as maestro runs it — a process with maestro's environment — against
 * a stand-in Rooms API: its pings, its control routes, SIGTERM and a missing identity. It runs the
 * built @maestro/game-room-sdk (npm ci / npm run build), as rooms do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const EXAMPLE = path.resolve(__dirname, '../../examples/game-room/index.js');

interface Ping {
  url: string;
  authorization?: string;
  body: { status: string; timestamp: number; runningMatches: number };
}

describe('examples/game-room', () => {
  let api: Server;
  let pings: Ping[] = [];
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    api = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        pings.push({
          url: request.url ?? '',
          authorization: request.headers.authorization,
          body: JSON.parse(body) as Ping['body'],
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"success":true}');
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  });
  beforeEach(() => (pings = []));
  afterEach(() => child?.kill('SIGKILL'));
  afterAll(() => new Promise((resolve) => api.close(resolve)));

  function start(env: Record<string, string>) {
    const { port } = api.address() as AddressInfo;
    const room = spawn(process.execPath, [EXAMPLE], {
      env: { PATH: process.env['PATH'], ROOMS_API_ADDRESS: `http://127.0.0.1:${port}`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = room;
    let output = '';
    room.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    room.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => room.on('exit', resolve));
    return { room, exited, output: () => output };
  }

  async function until(condition: () => boolean, what: string) {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('pings ready with its token, turns occupied on /occupy, and pings terminating and exits 0 on SIGTERM', async () => {
    const { room, exited, output } = start({
      MAESTRO_SCHEDULER_NAME: 'arena',
      MAESTRO_ROOM_ID: 'arena-1',
      MAESTRO_ROOM_TOKEN: 'room-token',
      MAESTRO_HOST_PORT_GAME: '0',
      PING_INTERVAL_MS: '60000',
    });
    await until(() => pings.length === 1 && output().includes('"listening"'), 'the first ping');
    const port = (JSON.parse(output().split('\n')[0]!) as { port: number }).port;

    const occupied = await fetch(`http://127.0.0.1:${port}/occupy`, { method: 'POST' });
    expect(await occupied.json()).toEqual({ status: 'occupied' });
    await until(() => pings.length === 2, 'the occupied ping');
    const status = await fetch(`http://127.0.0.1:${port}/status`);
    expect(await status.json()).toEqual({
      roomId: 'arena-1',
      scheduler: 'arena',
      status: 'occupied',
      pings: { sent: 2, failed: 0 },
      players: [],
    });
    room.kill('SIGTERM');

    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"SIGTERM received, terminating"');
    expect(pings.map(({ url, authorization, body }) => [url, authorization, body])).toEqual(
      ['ready', 'occupied', 'terminating'].map((pingStatus) => [
        '/scheduler/arena/rooms/arena-1/ping',
        'Bearer room-token',
        {
          status: pingStatus,
          timestamp: expect.any(Number) as unknown,
          runningMatches: pingStatus === 'occupied' ? 1 : 0,
        },
      ]),
    );
  }, 20_000);

  it('forwards a player joining and leaving, occupied while it has players', async () => {
    const { output } = start({
      MAESTRO_SCHEDULER_NAME: 'arena',
      MAESTRO_ROOM_ID: 'arena-1',
      MAESTRO_HOST_PORT_GAME: '0',
      PING_INTERVAL_MS: '60000',
    });
    await until(() => pings.length === 1 && output().includes('"listening"'), 'the first ping');
    const port = (JSON.parse(output().split('\n')[0]!) as { port: number }).port;

    const joined = await fetch(`http://127.0.0.1:${port}/players/alice`, { method: 'PUT' });
    expect(await joined.json()).toEqual({ status: 'occupied', players: ['alice'] });
    const left = await fetch(`http://127.0.0.1:${port}/players/alice`, { method: 'DELETE' });
    expect(await left.json()).toEqual({ status: 'ready', players: [] });
    await until(() => pings.length === 5, 'two pings and two player events');

    const sent = (suffix: string) =>
      pings.filter(({ url }) => url.endsWith(suffix)).map(({ body }) => body as unknown);
    expect(sent('/ping').map((body) => (body as Ping['body']).status)).toEqual([
      'ready',
      'occupied',
      'ready',
    ]);
    // Maestro's wire: the player's id travels in the event's metadata.
    expect(sent('/playerevent')).toEqual(
      ['playerJoin', 'playerLeft'].map((event) => ({
        event,
        metadata: { playerId: 'alice' },
        timestamp: expect.any(Number) as unknown,
      })),
    );
  }, 20_000);

  it('exits 2 naming the variable maestro should have set', async () => {
    const { exited, output } = start({ MAESTRO_ROOM_ID: 'arena-1' });

    expect(await exited).toBe(2);
    expect(output()).toBe('game-room: MAESTRO_SCHEDULER_NAME is not set (maestro sets it)\n');
  });
});
