import { Writable } from 'node:stream';
import type { Server } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { freePort } from '../../scripts/local-infra/paths';
import { buildManagementGrpcServer } from '../../src/api/management/grpc-server';
import { buildManagementHttpApp } from '../../src/api/management/http-routes';
import type { ManagementApiDeps } from '../../src/api/management/management-service';
import { closeGrpc, listenGrpc } from '../../src/api/shared/grpc-listen';
import { SchedulerQueries } from '../../src/app/scheduler-queries';
import { loadConfig } from '../../src/config/load';
import { startSystem, type System } from '../../src/main/system';
import type { OperationsHarness } from './operations-harness';

/** The Management API on a harness's real use cases, listening on free loopback ports. */
export interface RunningManagementApi {
  deps: ManagementApiDeps;
  app: FastifyInstance;
  grpcServer: Server;
  baseUrl: string;
  grpcAddress: string;
  /** Every log line the API wrote at warn level or above (unexpected failures). */
  problems: () => Array<{ msg: string; err?: unknown }>;
  close: () => Promise<void>;
}

export function managementApiDeps(harness: OperationsHarness): ManagementApiDeps {
  return {
    schedulerCommands: harness.commands,
    schedulerQueries: new SchedulerQueries(harness.schedulers, harness.rooms),
    operationCommands: harness.operations,
    log: pino({ level: 'silent' }),
  };
}

export async function startManagementApi(
  harness: OperationsHarness,
): Promise<RunningManagementApi> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const deps = { ...managementApiDeps(harness), log: pino({ level: 'warn' }, sink) };
  const app = buildManagementHttpApp(deps);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const grpcServer = buildManagementGrpcServer(deps);
  const grpcPort = await listenGrpc(grpcServer, '127.0.0.1', 0);
  return {
    deps,
    app,
    grpcServer,
    baseUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    problems: () => lines.map((line) => JSON.parse(line) as { msg: string; err?: unknown }),
    close: async () => {
      await Promise.all([app.close(), closeGrpc(grpcServer, 5_000)]);
    },
  };
}

/** An HTTP call as a Maestro client makes it; `body` is sent as JSON unless it is a string. */
export async function call(
  api: RunningManagementApi,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/**
 * The production Management API module (`startSystem(['management-api'])`, every wire of it: codec
 * endpoint, access control as the harness's environment configures them) on a free port, its
 * failures recorded in the harness. `url` is its HTTP base URL.
 */
export async function startManagementApiModule(
  harness: OperationsHarness,
  log: Logger,
): Promise<{ system: System; url: string }> {
  const port = await freePort();
  const system = startSystem(
    ['management-api'],
    loadConfig({
      ...harness.maestroEnvironment(),
      MAESTRO_MANAGEMENT_API_PORT: String(port),
      MAESTRO_MANAGEMENT_API_GRPC_PORT: '0',
      MAESTRO_MANAGEMENT_API_INTERNAL_PORT: '0',
    }),
    log,
    (error) => harness.failures.push(error),
  );
  await system.started;
  return { system, url: `http://127.0.0.1:${port}` };
}
