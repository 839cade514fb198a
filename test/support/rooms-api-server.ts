/**
 * The Rooms API on real services for integration tests: a PostgreSQL database of its own for
 * schedulers, Redis under a key prefix of its own for rooms and the scheduler cache, a real
 * GRPCForwarder server as the game backend, and the API listening on free loopback ports (HTTP
 * and native gRPC).
 */
import { Writable } from 'node:stream';
import type { Server } from '@grpc/grpc-js';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { ThreadedForwarderClient } from '../../src/adapters/forwarder-grpc/threaded-forwarder-client';
import { PrometheusRoomsMetrics } from '../../src/adapters/metrics/prometheus-rooms-metrics';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createRedisClient, type RedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import {
  RedisSchedulerCache,
  RedisSchedulerCacheInvalidator,
} from '../../src/adapters/redis/redis-scheduler-cache';
import { createSubscriber } from '../../src/adapters/redis/subscriber';
import type { RedisConnection } from '../../src/config/redis';
import { buildRoomsGrpcServer } from '../../src/api/rooms/grpc-server';
import { buildRoomsHttpApp } from '../../src/api/rooms/http-routes';
import { RoomAuthenticator, type RoomAuthConfig } from '../../src/api/rooms/room-auth';
import type { RoomsApiDeps } from '../../src/api/rooms/rooms-service';
import { closeGrpc, listenGrpc } from '../../src/api/shared/grpc-listen';
import { RoomsAllocation } from '../../src/app/rooms-allocation';
import { RoomsEvents } from '../../src/app/rooms-events';
import type { ForwardingLimits } from '../../src/app/forwarder-lanes';
import { RoomsForwarding } from '../../src/app/rooms-forwarding';
import { ForwardingRoomLifecycle } from '../../src/app/forwarding-room-lifecycle';
import { RoomsPing } from '../../src/app/rooms-ping';
import { RoomNotFoundError } from '../../src/domain/game-room/errors';
import type { Runtime } from '../../src/ports/runtime';
import type { SchedulerCache } from '../../src/ports/scheduler-cache';
import type { MethodGuard } from '../../src/api/shared/access-control';
import { startTestForwarder, type TestForwarder } from './forwarder-server';
import { createTestDatabase, sharedInfra, uniqueSuffix, testPool } from './infra';

export { testScheduler } from './test-scheduler';

export interface RoomsApiHarness {
  /** What the API's HTTP app and gRPC server were built from. */
  deps: RoomsApiDeps;
  baseUrl: string;
  grpcAddress: string;
  app: FastifyInstance;
  redis: RedisClient;
  /** Every room key of this harness starts with it (ioredis adds it, except to KEYS patterns). */
  keyPrefix: string;
  rooms: RedisRoomStore;
  schedulers: PostgresSchedulerStore;
  invalidator: RedisSchedulerCacheInvalidator;
  lifecycle: ForwardingRoomLifecycle;
  ping: RoomsPing;
  forwarder: TestForwarder;
  registry: Registry;
  /** Log lines at warn level or above. */
  problems: () => Array<{ msg: string }>;
  close: () => Promise<void>;
}

export interface RoomsApiHarnessOptions {
  auth?: RoomAuthConfig;
  allocationTtlMs?: number;
  /** Where GET …/address looks; by default a runtime that knows no room. */
  runtime?: Pick<Runtime, 'roomAddress'>;
  /** Where rooms live; by default the run's standalone Redis. */
  redis?: RedisConnection;
  /** Per forwarder: calls in flight and events queued at most (the production defaults). */
  forwardingLimits?: ForwardingLimits;
  /** Access control over the RPCs, built on the API's scheduler cache, logger and database. */
  guard?: (schedulers: SchedulerCache, log: Logger, pool: Pool) => MethodGuard | undefined;
}

export async function startRoomsApi(
  options: RoomsApiHarnessOptions = {},
): Promise<RoomsApiHarness> {
  const database = await createTestDatabase();
  const pool = testPool(database.url, 4);
  const keyPrefix = `it-rooms-api-${uniqueSuffix()}:`;
  const quiet = pino({ level: 'silent' });
  const redisConfig = {
    ...(options.redis ?? { url: sharedInfra().redisUrl }),
    keyPrefix,
    commandTimeoutMs: 3_000,
  };
  const redis = createRedisClient(redisConfig, quiet);
  await new Promise((resolve) => redis.once('ready', resolve));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = pino({ level: 'warn' }, sink);
  const schedulers = new PostgresSchedulerStore(pool);
  const cache = new RedisSchedulerCache(
    schedulers,
    createSubscriber(redis, redisConfig),
    { ttlMs: 60_000, keyPrefix },
    log,
  );
  const rooms = new RedisRoomStore(redis, { allocationTtlMs: options.allocationTtlMs ?? 300_000 });
  const registry = new Registry();
  const metrics = new PrometheusRoomsMetrics(registry);
  // As in production: the Rooms API forwards from a worker thread.
  const client = new ThreadedForwarderClient();
  const limits = options.forwardingLimits;
  const forwarding = new RoomsForwarding({ client, metrics, log, limits });
  metrics.observeBacklog(() => forwarding.backlog());
  const ping = new RoomsPing({ rooms, schedulers: cache, forwarding, metrics, log });
  const runtime = options.runtime ?? {
    roomAddress: (scheduler: string, roomId: string) =>
      Promise.reject(new RoomNotFoundError(scheduler, roomId)),
  };
  const deps: RoomsApiDeps = {
    ping,
    events: new RoomsEvents({ rooms, schedulers: cache, forwarding, log }),
    allocation: new RoomsAllocation({ rooms, schedulers: cache, runtime }),
    auth: new RoomAuthenticator(options.auth ?? { isRequired: false, secret: '' }),
    log,
    guard: options.guard?.(cache, log, pool),
  };
  const app = buildRoomsHttpApp(deps);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  const grpcServer: Server = buildRoomsGrpcServer(deps);
  const grpcPort = await listenGrpc(grpcServer, '127.0.0.1', 0);
  const forwarder = await startTestForwarder();
  await waitUntilSubscribed(cache);
  return {
    deps,
    baseUrl,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    app,
    redis,
    keyPrefix,
    rooms,
    schedulers,
    invalidator: new RedisSchedulerCacheInvalidator(redis, keyPrefix),
    lifecycle: new ForwardingRoomLifecycle({ rooms, schedulers: cache, forwarding, log }),
    ping,
    forwarder,
    registry,
    problems: () => lines.map((line) => JSON.parse(line) as { msg: string }),
    close: async () => {
      await Promise.all([app.close(), closeGrpc(grpcServer, 2_000)]);
      await ping.drain();
      client.close();
      cache.close();
      await forwarder.close();
      // A client whose Redis went away (a failover drill that failed) is closed already.
      await redis.quit().catch(() => redis.disconnect());
      await pool.end();
      await database.drop();
    },
  };
}

async function waitUntilSubscribed(cache: RedisSchedulerCache): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cache.isSubscribed) {
    if (Date.now() > deadline) throw new Error('scheduler cache never subscribed');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A gRPC forwarder entry pointing at `address`. */
export const forwarderAt = (
  name: string,
  address: string,
  extra: Record<string, unknown> = {},
) => ({
  name,
  enable: true,
  type: 'gRPC',
  address,
  options: { timeoutMs: 1_000, metadata: { roomType: 'ranked' } },
  ...extra,
});

/** An HTTP call as a room or matchmaker makes it; `body` is sent as JSON unless it is a string. */
export async function call(
  harness: Pick<RoomsApiHarness, 'baseUrl'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${harness.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Jest's asymmetric matchers, typed `unknown` instead of `any` for the lint rules. */
export const like = {
  object: (shape: object): unknown => expect.objectContaining(shape),
  text: (text: string): unknown => expect.stringContaining(text),
  matching: (pattern: RegExp): unknown => expect.stringMatching(pattern),
};
