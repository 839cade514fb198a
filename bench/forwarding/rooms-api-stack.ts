/**
 * What the forwarding benchmarks share: PostgreSQL and Redis of their own, schedulers whose one
 * forwarder points where the benchmark says, ready rooms seeded in Redis, one `maestro start
 * rooms-api` process, the load generator of bench/rooms-api in a process of its own, and readings
 * of the Rooms API's /metrics and of its process's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createRedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { freePort } from '../../scripts/local-infra/paths';
import { roomIdOf, type LoadPlan, type LoadResult } from '../rooms-api/load';
import { benchDirectory, benchScheduler, startStores } from '../support/stack';
import { sleep } from '../support/results';

const root = path.resolve(__dirname, '..', '..');
const log = pino({ level: 'silent' });

/** A scheduler of the benchmark and where its one forwarder is. */
export interface BenchScheduler {
  name: string;
  forwarderAddress: string;
  timeoutMs: number;
}

export async function startRoomsApiStack(schedulers: BenchScheduler[], roomsEach: number) {
  const dir = benchDirectory('forwarding');
  const stores = await startStores(dir);
  const store = new PostgresSchedulerStore(stores.pool);
  for (const { name, forwarderAddress, timeoutMs } of schedulers) {
    const forwarder = { name: 'backend', enable: true, type: 'gRPC', address: forwarderAddress };
    const options = { timeoutMs, metadata: { roomType: 'bench' } };
    const definition = { ...benchScheduler(name), forwarders: [{ ...forwarder, options }] };
    await store.createScheduler(validateScheduler(definition));
  }
  const redis = createRedisClient({ url: stores.redisUrl, keyPrefix: '' }, log);
  await new Promise((resolve) => redis.once('ready', resolve));
  const rooms = new RedisRoomStore(redis, { allocationTtlMs: 300_000 });
  for (const { name } of schedulers) await seedReadyRooms(rooms, name, roomsEach);
  const ports = { http: await freePort(), internal: await freePort(), grpc: await freePort() };
  const api = startRoomsApiProcess(stores, ports, dir);
  await waitReady(`http://127.0.0.1:${ports.internal}/readyz`);
  return {
    baseUrl: `http://127.0.0.1:${ports.http}`,
    metricsUrl: `http://127.0.0.1:${ports.internal}/metrics`,
    pid: api.pid!,
    roomsEach,
    async stop() {
      api.kill('SIGTERM');
      await new Promise((resolve) => api.once('exit', resolve));
      await redis.quit();
      await stores.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type RoomsApiStack = Awaited<ReturnType<typeof startRoomsApiStack>>;

/** Ready rooms (created, instance ready with an address, first ping `ready`). */
async function seedReadyRooms(store: RedisRoomStore, scheduler: string, count: number) {
  const seed = async (index: number) => {
    const id = roomIdOf(scheduler, index);
    await store.createRoom({ id, scheduler, version: 'v1.0.0' });
    const address = { host: '127.0.0.1', ports: [{ name: 'game', protocol: 'UDP', port: 40_000 }] };
    const instance = { id, scheduler, version: 'v1.0.0', status: 'ready' as const, address };
    await store.updateInstance({ ...instance, createdAt: new Date() }, { maxMatches: 1 });
    const ping = { pingStatus: 'ready' as const, metadata: {}, runningMatches: 0, maxMatches: 1 };
    await store.ping({ scheduler, roomId: id, ...ping });
  };
  for (let i = 0; i < count; i += 500) {
    const batch = Array.from({ length: Math.min(500, count - i) }, (_, j) => i + j);
    await Promise.all(batch.map(seed));
  }
}

function startRoomsApiProcess(
  stores: { databaseUrl: string; redisUrl: string },
  ports: { http: number; internal: number; grpc: number },
  dir: string,
): ChildProcess {
  const main = "require('./src/main/cli').main(['start','rooms-api']).then((c)=>process.exit(c))";
  // MAESTRO_FORWARDING_* from the benchmark's environment (exploration) reach the process.
  const forwarding = Object.entries(process.env).filter(([n]) =>
    n.startsWith('MAESTRO_FORWARDING_'),
  );
  // BENCH_NODE_FLAGS='--max-old-space-size=128': V8 flags of the rooms-api process.
  const flags = process.env['BENCH_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
  return spawn(process.execPath, [...flags, '--import', 'tsx', '-e', main], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      PATH: process.env['PATH'],
      NODE_ENV: 'production',
      MAESTRO_LOG_LEVEL: 'error',
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_POSTGRES_URL: stores.databaseUrl,
      MAESTRO_REDIS_URL: stores.redisUrl,
      MAESTRO_ROOMS_API_PORT: String(ports.http),
      MAESTRO_ROOMS_API_INTERNAL_PORT: String(ports.internal),
      MAESTRO_ROOMS_API_GRPC_PORT: String(ports.grpc),
      MAESTRO_LOCAL_RUNTIME_DIR: path.join(dir, 'rooms'),
      ...Object.fromEntries(forwarding),
    },
  });
}

async function waitReady(url: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const isReady = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (isReady) return;
    await sleep(200);
  }
  throw new Error(`${url} never became ready`);
}

/** Runs bench/rooms-api/load.ts in its own process (this one keeps serving the forwarder). */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/rooms-api/load.ts', JSON.stringify(plan)],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').pop()!) as LoadResult);
    });
  });
}

/** The sum of each metric's samples whose labels include `scheduler="<scheduler>"`. */
export async function scrape(
  stack: RoomsApiStack,
  scheduler: string,
  names: readonly string[],
): Promise<Record<string, number>> {
  const text = await (await fetch(stack.metricsUrl)).text();
  const totals: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || !(match[1]! in totals) || !match[2]!.includes(`scheduler="${scheduler}"`)) {
      continue;
    }
    totals[match[1]!]! += Number(match[3]);
  }
  return totals;
}

/** The Rooms API process's resident memory and V8 heap in use, in MiB. */
export async function memoryOf(stack: RoomsApiStack) {
  const status = readFileSync(`/proc/${stack.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const text = await (await fetch(stack.metricsUrl)).text();
  const heap = Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? 0);
  return { rssMiB: Math.round(rssKb / 1024), heapUsedMiB: Math.round(heap / 2 ** 20) };
}

/** Waits until no event is queued or in flight for `scheduler` (or `timeoutMs` passed). */
export async function waitIdle(stack: RoomsApiStack, scheduler: string, timeoutMs = 60_000) {
  const gauges = ['maestro_api_event_forwarding_queued', 'maestro_api_event_forwarding_in_flight'];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const backlog = await scrape(stack, scheduler, gauges);
    if (Object.values(backlog).every((value) => value === 0)) return;
    await sleep(250);
  }
  throw new Error(`forwarding of ${scheduler} still busy after ${timeoutMs} ms`);
}

/** The forwarding counters of one scheduler. */
export const FORWARDING_COUNTERS = {
  forwarded: 'maestro_api_success_room_event_forwarding_total',
  failed: 'maestro_api_failed_room_event_forwarding_total',
  coalesced: 'maestro_api_coalesced_room_event_forwarding_total',
  dropped: 'maestro_api_dropped_event_forwarding_total',
} as const;

/** The counters' values for `scheduler`, by their short names. */
export async function forwardingCounts(stack: RoomsApiStack, scheduler: string) {
  const names = Object.values(FORWARDING_COUNTERS);
  const totals = await scrape(stack, scheduler, names);
  const entries = Object.entries(FORWARDING_COUNTERS).map(([key, name]) => [key, totals[name]]);
  return Object.fromEntries(entries) as Record<keyof typeof FORWARDING_COUNTERS, number>;
}
