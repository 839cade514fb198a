/**
 * Rooms API benchmark (`npm run bench:rooms-api`): one rooms-api process (`maestro start
 * rooms-api`) on its own PostgreSQL and Redis, its scheduler with one gRPC forwarder (a real
 * GRPCForwarder server in this process), and a load generator in a third process, all on this
 * machine. Measures pings per second with p50/p99 latency, then allocations per second, at 64
 * keep-alive connections, and writes bench/results/rooms-api.json.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import pino from 'pino';
import { migrate } from '../../src/adapters/postgres/migrate';
import { PostgresSchedulerStore } from '../../src/adapters/postgres/postgres-scheduler-store';
import { createRedisClient } from '../../src/adapters/redis/client';
import { RedisRoomStore } from '../../src/adapters/redis/redis-room-store';
import { validateScheduler } from '../../src/domain/scheduler/validation';
import { freePort } from '../../scripts/local-infra/paths';
import { ensureDatabase, startPostgres } from '../../scripts/local-infra/postgres';
import { startRedis } from '../../scripts/local-infra/redis';
import { startTestForwarder, type TestForwarder } from '../../test/support/forwarder-server';
import { benchScheduler } from '../support/stack';
import { roomIdOf, withoutOwnCpu, type LoadPlan, type LoadResult } from './load';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** Overridable for exploration (BENCH_CONNECTIONS=8 …); the committed figures use the defaults. */
const CONNECTIONS = setting('BENCH_CONNECTIONS', 64);
const PING_ROOMS = 10_000;
const ALLOCATION_ROOMS = setting('BENCH_ALLOCATION_ROOMS', 250_000);
const WARMUP_MS = 3_000;
const DURATION_MS = setting('BENCH_DURATION_MS', 15_000);
const ALLOCATION_DURATION_MS = setting('BENCH_ALLOCATION_DURATION_MS', 10_000);
const TARGET_PINGS_PER_SECOND = 5_000;
const root = path.resolve(__dirname, '..', '..');
const log = pino({ level: 'silent' });

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'maestro-bench-rooms-'));
  chmodSync(dir, 0o755);
  const [postgres, redis] = await Promise.all([
    freePort().then((port) =>
      startPostgres({
        dir: path.join(dir, 'pg'),
        port,
        user: 'maestro',
        password: 'maestro',
        durable: false,
      }),
    ),
    freePort().then((port) => startRedis({ dir: path.join(dir, 'redis'), port, durable: false })),
  ]);
  const databaseUrl = await ensureDatabase(postgres.adminUrl, 'maestro');
  const pool = new Pool({ connectionString: databaseUrl, max: 2 });
  await migrate(pool, log);
  const forwarder = await startTestForwarder();
  forwarder.isRecording = false;
  const schedulers = new PostgresSchedulerStore(pool);
  for (const name of ['bench-ping', 'bench-allocate']) {
    await schedulers.createScheduler(
      validateScheduler({
        ...benchScheduler(name),
        forwarders: [
          {
            name: 'backend',
            // BENCH_FORWARDERS=0: the forwarder is configured but disabled (exploration only).
            enable: process.env['BENCH_FORWARDERS'] !== '0',
            type: 'gRPC',
            address: forwarder.address,
            options: { timeoutMs: 1_000, metadata: { roomType: 'bench' } },
          },
        ],
      }),
    );
  }
  const redisClient = createRedisClient({ url: redis.url, keyPrefix: '' }, log);
  await new Promise((resolve) => redisClient.once('ready', resolve));
  const store = new RedisRoomStore(redisClient, { allocationTtlMs: 300_000 });
  const pingRooms = await seedReadyRooms(store, 'bench-ping', PING_ROOMS);
  await seedReadyRooms(store, 'bench-allocate', ALLOCATION_ROOMS);

  const ports = { http: await freePort(), internal: await freePort(), grpc: await freePort() };
  const loadBefore = os.loadavg().map(round);
  const api = startRoomsApi(databaseUrl, redis.url, ports, dir);
  try {
    await waitReady(`http://127.0.0.1:${ports.internal}/readyz`);
    const baseUrl = `http://127.0.0.1:${ports.http}`;
    const common = {
      baseUrl,
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
    };
    const pingPlan = {
      ...common,
      kind: 'ping' as const,
      scheduler: 'bench-ping',
      roomCount: pingRooms.length,
    };
    const processes = { api: api.pid!, redis: redis.process.pid };
    const pingSaturated = await measured(processes, forwarder, () => runLoad(pingPlan));
    const pingAtTarget = await measured(processes, forwarder, () =>
      runLoad({ ...pingPlan, ratePerSecond: TARGET_PINGS_PER_SECOND }),
    );
    const allocate = await measured(processes, forwarder, () =>
      runLoad({
        ...common,
        durationMs: ALLOCATION_DURATION_MS,
        kind: 'allocate',
        scheduler: 'bench-allocate',
        roomCount: 0,
      }),
    );
    const result = {
      measuredAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model ?? '',
        node: process.version,
        loadAverageBefore: loadBefore,
      },
      command: 'npm run bench:rooms-api',
      setup: {
        connections: CONNECTIONS,
        warmupMs: WARMUP_MS,
        pingDurationMs: DURATION_MS,
        allocationDurationMs: ALLOCATION_DURATION_MS,
        pingRooms: PING_ROOMS,
        allocationRooms: ALLOCATION_ROOMS,
        forwarders: 1,
        processes:
          'one `maestro start rooms-api` process (forwarding on its worker thread); PostgreSQL, Redis, the GRPCForwarder backend (grpc-js, in the benchmark process) and the load generator on the same 2 cores',
      },
      pingSaturated: {
        mode: 'closed loop: each connection sends when its answer arrives',
        ...pingSaturated,
      },
      pingAtTarget: {
        mode: `fixed rate of ${TARGET_PINGS_PER_SECOND}/s over the connections, latency from when each request was due`,
        ...pingAtTarget,
      },
      allocate: {
        mode: 'closed loop',
        ...allocate,
        roomsAllocatedInRedis: (await store.countRooms('bench-allocate')).allocated,
      },
      targets: {
        pingsPerSecond: TARGET_PINGS_PER_SECOND,
        pingP99Ms: 20,
        allocationsPerSecond: 2_000,
      },
    };
    writeFileSync(
      path.join(root, 'bench/results/rooms-api.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    api.kill('SIGTERM');
    await new Promise((resolve) => api.once('exit', resolve));
    await forwarder.close();
    await Promise.all([pool.end(), redisClient.quit()]);
    await Promise.all([postgres.process.stop(), redis.process.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a load and adds what each process spent on it (CPU seconds per second of run). */
async function measured(
  pids: { api: number; redis: number },
  forwarder: TestForwarder,
  load: () => Promise<LoadResult>,
) {
  const before = {
    api: cpuSeconds(pids.api),
    apiMain: cpuSeconds(pids.api, pids.api),
    redis: cpuSeconds(pids.redis),
    own: process.cpuUsage(),
  };
  const forwardedBefore = forwarder.count();
  const startedAt = Date.now();
  const result = await load();
  const seconds = (Date.now() - startedAt) / 1000;
  const own = process.cpuUsage(before.own);
  const apiCpu = cpuSeconds(pids.api) - before.api;
  const forwarded = forwarder.count() - forwardedBefore;
  return {
    ...withoutOwnCpu(result),
    forwardedEvents: forwarded,
    cpuSecondsPerSecond: {
      roomsApi: round(apiCpu / seconds),
      roomsApiMainThread: round((cpuSeconds(pids.api, pids.api) - before.apiMain) / seconds),
      forwarderBackend: round((own.user + own.system) / 1e6 / seconds),
      redis: round((cpuSeconds(pids.redis) - before.redis) / seconds),
      loadGenerator: result.loadGeneratorCpuSecondsPerSecond,
    },
    // Each ping of the phase (warmup included) forwards one resync event.
    ...(forwarded > 0
      ? { roomsApiCpuMicrosecondsPerPing: Math.round((apiCpu * 1e6) / forwarded) }
      : {}),
  };
}

/** Rooms that are ready: created, instance ready with an address, first ping `ready`. */
async function seedReadyRooms(store: RedisRoomStore, scheduler: string, count: number) {
  const ids = Array.from({ length: count }, (_, i) => roomIdOf(scheduler, i));
  const seed = async (id: string, index: number) => {
    await store.createRoom({ id, scheduler, version: 'v1.0.0' });
    await store.updateInstance(
      {
        id,
        scheduler,
        version: 'v1.0.0',
        status: 'ready',
        address: {
          host: '127.0.0.1',
          ports: [{ name: 'game', protocol: 'UDP', port: 40_000 + (index % 1000) }],
        },
        createdAt: new Date(),
      },
      { maxMatches: 1 },
    );
    await store.ping({
      scheduler,
      roomId: id,
      pingStatus: 'ready',
      metadata: {},
      runningMatches: 0,
      maxMatches: 1,
    });
  };
  for (let i = 0; i < ids.length; i += 500) {
    await Promise.all(ids.slice(i, i + 500).map((id, j) => seed(id, i + j)));
  }
  return ids;
}

function startRoomsApi(
  databaseUrl: string,
  redisUrl: string,
  ports: { http: number; internal: number; grpc: number },
  dir: string,
): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROFILE=<dir>: write a V8 CPU profile of the rooms-api process there.
      ...(process.env['BENCH_CPU_PROFILE']
        ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_CPU_PROFILE']]
        : []),
      // BENCH_NODE_FLAGS='--max-semi-space-size=32': V8 flags of the rooms-api process (exploration).
      ...(process.env['BENCH_NODE_FLAGS']?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      '-e',
      "require('./src/main/cli').main(['start','rooms-api']).then((c)=>process.exit(c))",
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        PATH: process.env['PATH'],
        NODE_ENV: 'production',
        MAESTRO_LOG_LEVEL: 'warn',
        MAESTRO_BIND_HOST: '127.0.0.1',
        MAESTRO_POSTGRES_URL: databaseUrl,
        MAESTRO_REDIS_URL: redisUrl,
        MAESTRO_ROOMS_API_PORT: String(ports.http),
        MAESTRO_ROOMS_API_INTERNAL_PORT: String(ports.internal),
        MAESTRO_ROOMS_API_GRPC_PORT: String(ports.grpc),
        MAESTRO_LOCAL_RUNTIME_DIR: path.join(dir, 'rooms'),
      },
    },
  );
  return child;
}

async function waitReady(url: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} never became ready`);
}

/** Runs the load generator in its own process (this one keeps serving the forwarder). */
function runLoad(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/rooms-api/load.ts', JSON.stringify(plan)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
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

/** CPU seconds (user + system) the process (or one thread: `task`) has used so far, from /proc. */
function cpuSeconds(pid: number, task?: number): number {
  const file = task === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${task}/stat`;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
}

const round = (value: number) => Math.round(value * 100) / 100;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
