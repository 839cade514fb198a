import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const FIXTURE = path.join(__dirname, 'fixtures/sigterm-room.ts');

/** A game room process (fixtures/sigterm-room.ts) against a stand-in Rooms API. */
describe('a GameRoom process receiving SIGTERM', () => {
  let server: Server;
  let pings: Array<{ url: string; authorization?: string; body: Record<string, unknown> }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        pings.push({
          url: request.url ?? '',
          authorization: request.headers.authorization,
          body: JSON.parse(body) as Record<string, unknown>,
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"success":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  beforeEach(() => (pings = []));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** Starts the room, waits for its first ping, sends SIGTERM; how it ended and how long it took. */
  async function terminate(env: Record<string, string>) {
    const { port } = server.address() as AddressInfo;
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: root,
      env: {
        PATH: process.env['PATH'],
        MAESTRO_SCHEDULER_NAME: 'arena',
        MAESTRO_ROOM_ID: 'arena-1',
        MAESTRO_ROOM_TOKEN: 'room-token',
        ROOMS_API_ADDRESS: `http://127.0.0.1:${port}`,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!stdout.includes('ping ready true')) {
      if (child.exitCode !== null) throw new Error(`room exited early: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const signalled = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    return { code, stdout, elapsedMs: Date.now() - signalled };
  }

  it('pings terminating with its token, runs the hook and exits 0', async () => {
    const { code, stdout } = await terminate({ HOOK_MS: '100' });

    expect(code).toBe(0);
    expect(pings.map((ping) => [ping.url, ping.authorization, ping.body['status']])).toEqual([
      ['/scheduler/arena/rooms/arena-1/ping', 'Bearer room-token', 'ready'],
      ['/scheduler/arena/rooms/arena-1/ping', 'Bearer room-token', 'terminating'],
    ]);
    expect(stdout).toContain('ping terminating true\nhook started SIGTERM\nhook finished\n');
  }, 20_000);

  it('exits 1 at the end of its grace period when the hook does not finish', async () => {
    const { code, stdout, elapsedMs } = await terminate({ HOOK_MS: '60000', GRACE_MS: '1000' });

    expect(code).toBe(1);
    expect(stdout).toContain('hook started SIGTERM');
    expect(stdout).not.toContain('hook finished');
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(elapsedMs).toBeLessThan(5_000);
  }, 20_000);
});
