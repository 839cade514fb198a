import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, ConnectionError, ManagementClient } from '../src';

/** What the stand-in server saw, and what it answers next. */
interface Exchange {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}

describe('ManagementClient', () => {
  let server: Server;
  let seen: Exchange[] = [];
  type Answer = { status: number; body: string; headers?: Record<string, string> };
  let answer: Answer;
  /** Answers used before `answer`, first in first out. */
  let queued: Answer[] = [];
  let client: ManagementClient;

  beforeAll(async () => {
    server = createServer((request, response) => {
      void readBody(request).then((body) => {
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          authorization: request.headers.authorization,
          body,
        });
        const next = queued.shift() ?? answer;
        response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
        response.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new ManagementClient({ server: `http://127.0.0.1:${port}/`, token: 'mk_a_b' });
  });

  beforeEach(() => {
    seen = [];
    queued = [];
    answer = { status: 200, body: '{}' };
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('sends the route, query, body and bearer token of each call', async () => {
    answer = { status: 200, body: '{"operationId":"op-1"}' };
    await expect(client.switchActiveVersion('arena eu', 'v2.0.0')).resolves.toEqual({
      operationId: 'op-1',
    });
    answer = { status: 200, body: '{"page":1,"operations":[]}' };
    await client.listOperations('arena', { stage: 'final', perPage: 5 });
    expect(seen).toEqual([
      {
        method: 'PUT',
        url: '/schedulers/arena%20eu',
        authorization: 'Bearer mk_a_b',
        body: '{"version":"v2.0.0"}',
      },
      {
        method: 'GET',
        url: '/schedulers/arena/operations?stage=final&perPage=5',
        authorization: 'Bearer mk_a_b',
        body: '',
      },
    ]);
  });

  it("lists a scheduler's rooms, by status when asked, and [] when the answer has none", async () => {
    answer = { status: 200, body: '{"rooms":[{"id":"arena-1","status":"ready"}]}' };
    await expect(client.listRooms('arena', { status: 'ready' })).resolves.toEqual([
      { id: 'arena-1', status: 'ready' },
    ]);
    answer = { status: 200, body: '{}' };
    await expect(client.listRooms('arena')).resolves.toEqual([]);
    expect(seen.map((request) => request.url)).toEqual([
      '/schedulers/arena/rooms?status=ready',
      '/schedulers/arena/rooms',
    ]);
  });

  const unavailable = (message: string): Answer => ({
    status: 503,
    body: JSON.stringify({ code: 14, message, details: [] }),
    headers: { 'retry-after': '0' },
  });

  it('repeats a read answered 503 after its Retry-After', async () => {
    queued = [unavailable('Temporal is unavailable: down')];
    answer = { status: 200, body: '{"versions":[]}' };
    await expect(client.getSchedulerVersions('arena')).resolves.toEqual([]);
    expect(seen.map((s) => s.method)).toEqual(['GET', 'GET']);
  });

  it('takes the version change that a repeat finds queued as the one it asked for', async () => {
    queued = [unavailable('Temporal is unavailable: no answer within 5 s')];
    answer = {
      status: 400,
      body: '{"code":9,"message":"there is already an ongoing version operation (id: op-7)","details":[]}',
    };
    await expect(client.switchActiveVersion('arena', 'v2.0.0')).resolves.toEqual({
      operationId: 'op-7',
    });
  });

  it('looks the operation up instead of repeating a delete that may have been queued', async () => {
    queued = [
      unavailable(
        'operation op-9 may or may not be queued: list the operations of scheduler arena',
      ),
    ];
    answer = { status: 200, body: '{"operation":{"id":"op-9","status":"pending"}}' };
    await expect(client.deleteScheduler('arena')).resolves.toEqual({ operationId: 'op-9' });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'DELETE /schedulers/arena',
      'GET /schedulers/arena/operations/op-9',
    ]);
  });

  it('takes a 409 to a repeated create as the earlier attempt having created it', async () => {
    queued = [
      unavailable('Temporal is unavailable'),
      { status: 409, body: '{"code":6,"message":"scheduler arena already exists","details":[]}' },
    ];
    answer = { status: 200, body: '{"scheduler":{"name":"arena","spec":{"version":"v1.0.0"}}}' };
    const created = await client.createScheduler({
      name: 'arena',
      game: 'g',
      spec: { containers: [] },
    });
    expect(created.name).toBe('arena');
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST', 'GET']);
  });

  it('gives up after its retries, with the last answer', async () => {
    const once = new ManagementClient({ server: `http://${hostOf(server)}`, retries: 1 });
    queued = [unavailable('busy 1'), unavailable('busy 2')];
    await expect(once.listSchedulers()).rejects.toMatchObject({ status: 503, message: 'busy 2' });
  });

  it('throws ApiError with the status, gRPC code, message and Retry-After of an error answer', async () => {
    answer = {
      status: 503,
      body: '{"code":14,"message":"Temporal is unavailable: down","details":[]}',
      headers: { 'retry-after': '2' },
    };
    const noRetry = new ManagementClient({ server: `http://${hostOf(server)}`, retries: 0 });
    const error = await noRetry.getScheduler('arena').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 503,
      code: 14,
      message: 'Temporal is unavailable: down',
      retryAfterSeconds: 2,
    });
  });

  it('answers undefined from findScheduler when the scheduler does not exist', async () => {
    answer = { status: 404, body: '{"code":5,"message":"scheduler arena not found","details":[]}' };
    await expect(client.findScheduler('arena')).resolves.toBeUndefined();
  });

  it('throws ConnectionError naming the URL when nothing listens', async () => {
    const closed = new ManagementClient({ server: 'http://127.0.0.1:1', timeoutMs: 2_000 });
    const error = await closed.listSchedulers().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1:1\/schedulers: /);
  });
});

function hostOf(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `127.0.0.1:${port}`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
