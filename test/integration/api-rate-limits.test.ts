/**
 * Rate limits as configured from the environment, through `maestro start management-api
 * rooms-api` on real PostgreSQL, Redis and Temporal: HTTP and gRPC share each caller's budget
 * (callers told apart by their source address here, as they are without authentication).
 */
import http from 'node:http';
import type { ServiceError } from '@grpc/grpc-js';
import { RoomsService } from '../../src/gen/api/v1/rooms_pb';
import { SchedulersService } from '../../src/gen/api/v1/schedulers_pb';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { createTestDatabase } from '../support/infra';
import { grpcClient } from '../support/management-api-grpc-client';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  message: string;
}

/** One HTTP call from `localAddress` (each loopback address is another caller). */
function callFrom(localAddress: string, port: number, method: string, path: string) {
  return new Promise<Answer>((resolve, reject) => {
    const body = method === 'POST' || method === 'PUT' ? '{}' : undefined;
    const request = http.request(
      { host: '127.0.0.1', port, method, path, localAddress, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'],
            message: text === '' ? '' : String((JSON.parse(text) as { message?: unknown }).message),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const grpcFailure = (call: Promise<unknown>): Promise<ServiceError> =>
  call.then(
    () => Promise.reject(new Error('the call succeeded')),
    (error: ServiceError) => error,
  );

const RATE_LIMITED = /^rate limit exceeded for (mutations|allocations): retry after \d+s$/;

describe('rate limits per caller', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;
  const management = (from: string, method: string, path: string) =>
    callFrom(from, api.ports.managementHttp, method, path);
  const rooms = (from: string, method: string, path: string) =>
    callFrom(from, api.ports.roomsHttp, method, path);

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startApiProcess(['management-api', 'rooms-api'], database.url, {
      MAESTRO_RATE_LIMIT_MUTATIONS_PER_MINUTE: '1',
      MAESTRO_RATE_LIMIT_MUTATIONS_BURST: '3',
      MAESTRO_RATE_LIMIT_ALLOCATIONS_PER_MINUTE: '1',
      MAESTRO_RATE_LIMIT_ALLOCATIONS_BURST: '2',
    });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
  });

  it('answers the mutating call past the burst 429 with Retry-After, over HTTP and then gRPC', async () => {
    const allowed = [];
    for (let call = 0; call < 3; call += 1) {
      allowed.push(await management('127.0.0.1', 'DELETE', `/schedulers/missing-${call}`));
    }
    expect(allowed.map((answer) => answer.message)).not.toContainEqual(
      expect.stringMatching(RATE_LIMITED),
    );
    expect(allowed.map((answer) => answer.status)).toEqual([404, 404, 404]);

    const limited = await management('127.0.0.1', 'DELETE', '/schedulers/missing-3');
    expect(limited).toEqual({
      status: 429,
      retryAfter: expect.stringMatching(/^\d+$/) as unknown,
      message: expect.stringMatching(
        /^rate limit exceeded for mutations: retry after \d+s$/,
      ) as unknown,
    });
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(50);
    expect(Number(limited.retryAfter)).toBeLessThanOrEqual(60);

    // The same caller over native gRPC: the same budget, already spent.
    const grpc = grpcClient(SchedulersService, `127.0.0.1:${api.ports.managementGrpc}`);
    try {
      const error = await grpcFailure(grpc.call('deleteScheduler', { schedulerName: 'missing-4' }));
      expect(error.code).toBe(8); // RESOURCE_EXHAUSTED
      expect(error.details).toMatch(/^rate limit exceeded for mutations: retry after \d+s$/);
      expect(error.metadata.get('retry-after')).toEqual([expect.stringMatching(/^\d+$/)]);
      // Reads are not limited, on either transport.
      const read = await grpcFailure(grpc.call('getScheduler', { schedulerName: 'missing-4' }));
      expect(read.code).toBe(5); // NOT_FOUND
    } finally {
      grpc.close();
    }
    for (let call = 0; call < 5; call += 1) {
      expect((await management('127.0.0.1', 'GET', '/schedulers')).status).toBe(200);
    }
  });

  it('gives another caller a budget of its own', async () => {
    const answers = [];
    for (let call = 0; call < 4; call += 1) {
      answers.push(await management('127.0.0.2', 'DELETE', `/schedulers/other-${call}`));
    }
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 429]);
  });

  it('limits AllocateRoom with its own budget, and never pings', async () => {
    // 127.0.0.1 spent its mutations budget above: allocations are counted apart.
    const answers = [];
    for (let call = 0; call < 3; call += 1) {
      answers.push(await rooms('127.0.0.1', 'POST', '/scheduler/missing/rooms/allocate'));
    }
    expect(answers.slice(0, 2).map((answer) => answer.message)).not.toContainEqual(
      expect.stringMatching(RATE_LIMITED),
    );
    expect(answers[2]).toEqual({
      status: 429,
      retryAfter: expect.stringMatching(/^\d+$/) as unknown,
      message: expect.stringMatching(
        /^rate limit exceeded for allocations: retry after \d+s$/,
      ) as unknown,
    });

    const grpc = grpcClient(RoomsService, `127.0.0.1:${api.ports.roomsGrpc}`);
    try {
      const error = await grpcFailure(grpc.call('allocateRoom', { schedulerName: 'missing' }));
      expect({ code: error.code, details: error.details }).toEqual({
        code: 8,
        details: expect.stringMatching(/^rate limit exceeded for allocations/) as unknown,
      });
    } finally {
      grpc.close();
    }
    for (let call = 0; call < 5; call += 1) {
      const ping = await rooms('127.0.0.1', 'PUT', `/scheduler/missing/rooms/room-${call}/ping`);
      expect(ping.status).not.toBe(429);
    }
  });
});
