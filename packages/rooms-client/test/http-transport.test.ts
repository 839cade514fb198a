import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RoomsApiError, RoomsClient, RoomsConnectionError } from '../src';

/** What the stand-in Rooms API saw. */
interface Exchange {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  body: string;
}

type Answer = { status: number; body: string; headers?: Record<string, string> };

describe('RoomsClient over HTTP', () => {
  let server: Server;
  let address: string;
  let seen: Exchange[] = [];
  let answer: Answer;
  /** Answers used before `answer`, first in first out. */
  let queued: Answer[] = [];
  let isSilent = false;

  beforeAll(async () => {
    server = createServer((request, response) => {
      void readBody(request).then((body) => {
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          authorization: request.headers.authorization,
          contentType: request.headers['content-type'],
          body,
        });
        if (isSilent) return; // never answers: the client's timeout ends the call
        const next = queued.shift() ?? answer;
        response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        response.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  beforeEach(() => {
    seen = [];
    queued = [];
    isSilent = false;
    answer = { status: 200, body: '{"success":true}' };
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (options: Partial<ConstructorParameters<typeof RoomsClient>[0]> = {}) =>
    new RoomsClient({ address, roomToken: 'room-token', token: 'mk_id_secret', ...options });

  const apiError = (status: number, code: number, message: string, retryAfter?: string) => ({
    status,
    body: JSON.stringify({ code, message, details: [] }),
    ...(retryAfter !== undefined && { headers: { 'retry-after': retryAfter } }),
  });

  it('pings with the route, JSON body and room token rooms send, and answers success', async () => {
    const recorded = await client().ping('arena eu', 'room/1', {
      status: 'occupied',
      runningMatches: 2,
      timestamp: 1700000000,
      metadata: { mode: 'duo' },
    });

    expect(recorded).toBe(true);
    expect(seen).toEqual([
      {
        method: 'PUT',
        url: '/scheduler/arena%20eu/rooms/room%2F1/ping',
        authorization: 'Bearer room-token',
        contentType: 'application/json',
        body: '{"metadata":{"mode":"duo"},"status":"occupied","timestamp":1700000000,"runningMatches":2}',
      },
    ]);
  });

  it('answers false when the API refuses the ping (success false)', async () => {
    answer = { status: 200, body: '{"success":false}' };

    await expect(client().ping('arena', 'r1', { status: 'ready' })).resolves.toBe(false);
    expect(JSON.parse(seen[0]!.body)).toEqual({
      status: 'ready',
      timestamp: expect.any(Number) as unknown,
      runningMatches: 0,
    });
  });

  it('allocates with the matchmaker credential and reads the room', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        roomId: 'room-1',
        success: true,
        message: '',
        host: '10.1.2.3',
        ports: [{ name: 'game', protocol: 'UDP', port: 40123 }],
        futureField: 1,
      }),
    };

    await expect(client().allocate('arena')).resolves.toEqual({
      roomId: 'room-1',
      host: '10.1.2.3',
      ports: [{ name: 'game', protocol: 'UDP', port: 40123 }],
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/scheduler/arena/rooms/allocate',
        authorization: 'Bearer mk_id_secret',
        contentType: 'application/json',
        body: '{}',
      },
    ]);
  });

  it('throws isNoReadyRooms, once, when there is no ready room', async () => {
    answer = apiError(429, 8, 'no ready rooms available for scheduler arena');

    const error = await client()
      .allocate('arena')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RoomsApiError);
    expect(error).toMatchObject({
      transport: 'http',
      httpStatus: 429,
      code: 8,
      message: 'no ready rooms available for scheduler arena',
      isNoReadyRooms: true,
      isRateLimited: false,
    });
    expect(seen).toHaveLength(1);
  });

  it('repeats an allocation refused by a rate limit after its Retry-After', async () => {
    queued = [apiError(429, 8, 'rate limit exceeded for allocations: retry after 1s', '0')];
    answer = { status: 200, body: '{"roomId":"r2","success":true,"host":"h","ports":[]}' };

    await expect(client().allocate('arena')).resolves.toMatchObject({ roomId: 'r2' });
    expect(seen).toHaveLength(2);
  });

  it('does not repeat an allocation answered 503: a room may have been taken', async () => {
    answer = apiError(503, 14, 'Redis is unavailable', '0');

    await expect(client().allocate('arena')).rejects.toMatchObject({
      httpStatus: 503,
      isUnavailable: true,
    });
    expect(seen).toHaveLength(1);
  });

  it('repeats a ping answered 503, up to the retries', async () => {
    answer = apiError(503, 14, 'Redis is unavailable', '0');

    await expect(client({ retries: 2 }).ping('arena', 'r1', { status: 'ready' })).rejects.toThrow(
      'Redis is unavailable',
    );
    expect(seen).toHaveLength(3);
  });

  it('gives up on a silent server after the timeout, repeating a ping but not an event', async () => {
    isSilent = true;
    const fast = client({ timeoutMs: 100, retries: 1 });

    const pingError = await fast.ping('arena', 'r1', { status: 'ready' }).catch((e: unknown) => e);
    expect(pingError).toBeInstanceOf(RoomsConnectionError);
    expect(pingError).toMatchObject({ isTimeout: true, isSent: true });
    expect(seen).toHaveLength(2);

    seen = [];
    await expect(fast.roomEvent('arena', 'r1', { event: 'matchStarted' })).rejects.toBeInstanceOf(
      RoomsConnectionError,
    );
    expect(seen).toHaveLength(1);
  });

  it('says the request was never sent when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await new RoomsClient({ address: `http://127.0.0.1:${port}`, retries: 0 })
      .allocate('arena')
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'RoomsConnectionError', isSent: false, isTimeout: false });
  });

  it('forwards room and player events with their metadata, and reads the address', async () => {
    answer = { status: 200, body: '{"success":false,"message":"forwarder down"}' };
    const rooms = client();

    await expect(
      rooms.roomEvent('arena', 'r1', { event: 'matchEnded', timestamp: 5, metadata: { k: 'v' } }),
    ).resolves.toEqual({ success: false, message: 'forwarder down' });
    await rooms.playerEvent('arena', 'r1', {
      event: 'playerJoin',
      playerId: 'p-7',
      timestamp: 6,
    });
    answer = {
      status: 200,
      body: '{"ports":[{"name":"game","protocol":"TCP","port":7}],"host":"h"}',
    };
    await expect(rooms.address('arena', 'r1')).resolves.toEqual({
      host: 'h',
      ports: [{ name: 'game', protocol: 'TCP', port: 7 }],
    });

    expect(seen.map(({ method, url, body }) => ({ method, url, body }))).toEqual([
      {
        method: 'POST',
        url: '/scheduler/arena/rooms/r1/roomevent',
        body: '{"metadata":{"k":"v"},"event":"matchEnded","timestamp":5}',
      },
      {
        method: 'POST',
        url: '/scheduler/arena/rooms/r1/playerevent',
        body: '{"metadata":{"playerId":"p-7"},"event":"playerJoin","timestamp":6}',
      },
      { method: 'GET', url: '/scheduler/arena/rooms/r1/address', body: '' },
    ]);
  });

  it('sends a Maestro v9 status report to …/status, once even when it fails', async () => {
    answer = apiError(503, 14, 'Redis is unavailable', '0');

    await expect(
      client().updateStatus('arena', 'r1', { status: 'terminated', timestamp: 8 }),
    ).rejects.toMatchObject({ isUnavailable: true });

    expect(seen).toEqual([
      {
        method: 'PUT',
        url: '/scheduler/arena/rooms/r1/status',
        authorization: 'Bearer room-token',
        contentType: 'application/json',
        body: '{"status":"terminated","timestamp":8,"runningMatches":0}',
      },
    ]);
  });

  it('sends no authorization without credentials, and reads a body that is not the API error', async () => {
    answer = { status: 502, body: 'Bad Gateway' };

    const error = await new RoomsClient({ address, retries: 0 })
      .ping('arena', 'r1', { status: 'ready' })
      .catch((e: unknown) => e);

    expect(seen[0]?.authorization).toBeUndefined();
    expect(error).toMatchObject({ httpStatus: 502, code: 2, message: 'Bad Gateway' });
  });
});

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
  });
}
