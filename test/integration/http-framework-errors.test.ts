/**
 * Errors the HTTP framework raises before a route runs — unknown route, other method, body too
 * large, malformed JSON or content type, path variable too long or not UTF-8, headers too large,
 * a request Node cannot parse — answered by both HTTP APIs in the API's own error format
 * (`{code, message, details}`), with a sensible HTTP status, never fastify's or Node's own body.
 */
import { connect } from 'node:net';
import { startManagementApi, type RunningManagementApi } from '../support/management-api-server';
import { OperationsHarness } from '../support/operations-harness';
import { startRoomsApi, type RoomsApiHarness } from '../support/rooms-api-server';

interface Answer {
  status: number;
  body: unknown;
}

/** Sends raw bytes over one connection and reads the answer to its end. */
function rawHttp(baseUrl: string, request: string): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) as unknown });
    });
  });
}

async function send(baseUrl: string, method: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${baseUrl}${path}`, { method, ...init });
  const body: unknown = await response.json();
  return { status: response.status, body };
}

/** The API's error body; `message` may be an asymmetric matcher. */
const error = (code: number, message: unknown) => ({ code, message, details: [] });

describe.each([
  {
    api: 'Management API',
    known: { get: '/schedulers/x/versions', body: '/schedulers/x', variable: 'schedulerName' },
  },
  {
    api: 'Rooms API',
    known: {
      get: '/scheduler/x/rooms/r/address',
      body: '/scheduler/x/rooms/r/ping',
      variable: 'schedulerName',
    },
  },
])('$api framework errors', ({ api, known }) => {
  const harness = new OperationsHarness();
  let management: RunningManagementApi | undefined;
  let rooms: RoomsApiHarness | undefined;
  let baseUrl: string;
  const bodyMethod = api === 'Rooms API' ? 'PUT' : 'PATCH';
  const firstSegment = known.get.split('/')[1]!;

  beforeAll(async () => {
    if (api === 'Rooms API') {
      rooms = await startRoomsApi();
      baseUrl = rooms.baseUrl;
    } else {
      await harness.start({ runWorker: false });
      management = await startManagementApi(harness);
      baseUrl = management.baseUrl;
    }
  });
  afterAll(async () => {
    await rooms?.close();
    if (management) {
      await management.close();
      await harness.stop();
    }
  });

  it('answers 404 in the API format when no route has the path', async () => {
    expect(await send(baseUrl, 'GET', '/nothing/here')).toEqual({
      status: 404,
      body: error(5, 'Not Found'),
    });
  });

  it('answers 501 Method Not Allowed in the API format when the path has no such method', async () => {
    expect(await send(baseUrl, 'DELETE', known.get)).toEqual({
      status: 501,
      body: error(12, 'Method Not Allowed'),
    });
  });

  it('answers 413 RESOURCE_EXHAUSTED in the API format when the body is over 4 MiB', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(4 * 1024 * 1024) });

    expect(await send(baseUrl, bodyMethod, known.body, { body })).toEqual({
      status: 413,
      body: error(8, 'Request body is too large'),
    });
  });

  it('answers 400 naming the body when it is not JSON', async () => {
    const answer = await send(baseUrl, bodyMethod, known.body, {
      headers: { 'content-type': 'application/json' },
      body: '{"status": ',
    });

    expect(answer).toEqual({
      status: 400,
      body: error(3, expect.stringMatching(/^Validation Error:\nbody: must be valid JSON \(/)),
    });
  });

  it('reads the body as JSON whatever its content type, and answers 415 in the API format when the type cannot be parsed', async () => {
    const answers = await Promise.all(
      ['application/json', 'application/json; charset="', 'text/plain', ';;'].map((type) =>
        send(baseUrl, bodyMethod, known.body, {
          headers: { 'content-type': type },
          body: '{"status": "ready", "maxSurge": "10%"}',
        }),
      ),
    );

    expect(answers[0]?.status).not.toBe(415);
    expect(answers.slice(1, 3)).toEqual([answers[0], answers[0]]);
    expect(answers[3]).toEqual({ status: 415, body: error(3, 'Unsupported Media Type') });
  });

  it('answers 414 naming the path variable when it is over 4096 characters', async () => {
    const path = known.get.replace('/x/', `/${'x'.repeat(4097)}/`);

    expect(await send(baseUrl, 'GET', path)).toEqual({
      status: 414,
      body: error(3, `Validation Error:\n${known.variable}: must be at most 4096 characters`),
    });
  });

  it('answers 400 naming the path variable when it is not UTF-8', async () => {
    const path = known.get.replace('/x/', '/%E2%82/');

    expect(await send(baseUrl, 'GET', path)).toEqual({
      status: 400,
      body: error(3, `Validation Error:\n${known.variable}: must be valid UTF-8 (percent-encoded)`),
    });
  });

  it('answers 400 naming the path when no route can be told and the path is not UTF-8', async () => {
    expect(await send(baseUrl, 'GET', `/${firstSegment}/%FF/a/b/c/d`)).toEqual({
      status: 400,
      body: error(3, 'Validation Error:\npath: must be valid UTF-8 (percent-encoded)'),
    });
  });

  it('answers 431 in the API format when the headers are too large', async () => {
    const request = `GET ${known.get} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;

    expect(await rawHttp(baseUrl, request)).toEqual({
      status: 431,
      body: error(8, 'Request Header Fields Too Large'),
    });
  });

  it('answers 400 in the API format when the request is not HTTP', async () => {
    expect(await rawHttp(baseUrl, 'HELLO THERE\r\n\r\n')).toEqual({
      status: 400,
      body: error(3, 'Bad Request'),
    });
  });
});
