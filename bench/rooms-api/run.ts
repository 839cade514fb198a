/**
 * Rooms API benchmark (`npm run bench:rooms-api`): one rooms-api process (`maestro start
 * rooms-api`) on its own PostgreSQL and Redis, its scheduler with one gRPC forwarder (a real
 * GRPCForwarder server in this process), and a load generator in a third process, all on this
 * machine. Measures pings per second with p50/p99 latency, then allocations per second, at 64
 * keep-alive connections, and writes bench/results/rooms-api.json.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
import { commandLine, machineInfo, writeResult } from '../support/results';
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
/** The second Rooms API measured (BENCH_PROCESSES=1 skips it): several processes on one port. */
const PROCESSES = setting('BENCH_PROCESSES', 2);
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
  const machine = machineInfo();
  const common = {
    baseUrl: `http://127.0.0.1:${ports.http}`,
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
  /** Starts the Rooms API with `count` processes, runs `phases` against it, stops it. */
  const withApi = async <T>(count: number, phases: (pids: Pids) => Promise<T>): Promise<T> => {
    const api = startRoomsApi(databaseUrl, redis.url, ports, dir, count);
    apiPid = api.pid!;
    try {
      await waitReady(`http://127.0.0.1:${ports.internal}/readyz`);
      return await phases({ api: api.pid!, redis: redis.process.pid });
    } finally {
      api.kill('SIGTERM');
      await new Promise((resolve) => api.once('exit', resolve));
    }
  };
  const pingPhases = async (pids: Pids) => ({
    pingSaturated: await measured(pids, forwarder, () => runLoad(pingPlan)),
    pingAtTarget: await measured(pids, forwarder, () =>
      runLoad({ ...pingPlan, ratePerSecond: TARGET_PINGS_PER_SECOND }),
    ),
  });
  try {
    const one = await withApi(1, async (pids) => ({
      ...(await pingPhases(pids)),
      allocate: await measured(pids, forwarder, () =>
        runLoad({
          ...common,
          durationMs: ALLOCATION_DURATION_MS,
          kind: 'allocate',
          scheduler: 'bench-allocate',
          roomCount: 0,
        }),
      ),
    }));
    const two = PROCESSES > 1 ? await withApi(PROCESSES, pingPhases) : undefined;
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { ...machine, loadAverageAfter: os.loadavg().map(round) },
      command: `npm run bench:rooms-api (${commandLine()})`,
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
        cpuPerPing:
          "the Rooms API's CPU (every thread, from /proc) over the pings answered in the phase, warmup included",
      },
      pingSaturated: {
        mode: 'closed loop: each connection sends when its answer arrives',
        ...one.pingSaturated,
      },
      pingAtTarget: {
        mode: `fixed rate of ${TARGET_PINGS_PER_SECOND}/s over the connections, latency from when each request was due`,
        ...one.pingAtTarget,
      },
      allocate: {
        mode: 'closed loop',
        ...one.allocate,
        roomsAllocatedInRedis: (await store.countRooms('bench-allocate')).allocated,
      },
      ...(two && {
        [`processes${PROCESSES}`]: {
          mode: `MAESTRO_ROOMS_API_PROCESSES=${PROCESSES}: a cluster primary handing connections to ${PROCESSES} worker processes, the same phases as above`,
          ...two,
        },
      }),
      targets: {
        pingsPerSecond: TARGET_PINGS_PER_SECOND,
        pingP99Ms: 20,
        roomsApiCpuMicrosecondsPerPing: 150,
        allocationsPerSecond: 2_000,
      },
    };
    writeResult('rooms-api', result);
  } finally {
    await forwarder.close();
    await Promise.all([pool.end(), redisClient.quit()]);
    await Promise.all([postgres.process.stop(), redis.process.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Pids {
  api: number;
  redis: number;
}

/** Runs a load and adds what each process spent on it (CPU seconds per second of run). */
async function measured(
  pids: { api: number; redis: number },
  forwarder: TestForwarder,
  load: () => Promise<LoadResult>,
) {
  const before = {
    api: threadTimes(pids.api),
    redis: cpuSeconds(pids.redis),
    own: process.cpuUsage(),
  };
  const forwardedBefore = forwarder.count();
  const startedAt = Date.now();
  const result = await load();
  const seconds = (Date.now() - startedAt) / 1000;
  const own = process.cpuUsage(before.own);
  const api = apiCpu(before.api, threadTimes(pids.api));
  const forwarded = forwarder.count() - forwardedBefore;
  const perSecond = (cpu: number) => round(cpu / seconds);
  const answered = result.answeredWithWarmup;
  return {
    ...withoutOwnCpu(result),
    forwardedEvents: forwarded,
    cpuSecondsPerSecond: {
      roomsApi: perSecond(api.total),
      roomsApiMainThread: perSecond(api.main),
      roomsApiForwardingThread: perSecond(api.forwarding),
      roomsApiOtherThreads: perSecond(api.other),
      ...(api.primary > 0 ? { roomsApiPrimary: perSecond(api.primary) } : {}),
      forwarderBackend: perSecond((own.user + own.system) / 1e6),
      redis: perSecond(cpuSeconds(pids.redis) - before.redis),
      loadGenerator: result.loadGeneratorCpuSecondsPerSecond,
    },
    // Every answered ping of the phase (warmup included), over the Rooms API's processes.
    ...(answered > 0 && forwarded > 0
      ? {
          roomsApiCpuMicrosecondsPerPing: Math.round((api.total * 1e6) / answered),
          perPingMicroseconds: {
            mainThread: Math.round((api.main * 1e6) / answered),
            forwardingThread: Math.round((api.forwarding * 1e6) / answered),
            otherThreads: Math.round((api.other * 1e6) / answered),
          },
        }
      : {}),
  };
}

/** CPU seconds by thread (`pid/tid`) of the Rooms API: its process and, in cluster mode, its workers. */
function threadTimes(pid: number): Map<string, number> {
  const times = new Map<string, number>();
  for (const process of [pid, ...childrenOf(pid)]) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${process}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        times.set(`${process}/${task}`, cpuSeconds(process, Number(task)));
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  }
  return times;
}

/**
 * What the Rooms API spent between two `threadTimes`: in total, on its JavaScript main threads, on
 * its forwarding threads (each process's busiest other thread), on the rest (V8's GC and
 * compiler threads, libuv), and on a cluster's primary process (it only hands out connections).
 */
function apiCpu(before: Map<string, number>, after: Map<string, number>) {
  const byProcess = new Map<string, Array<{ tid: string; cpu: number }>>();
  for (const [key, value] of after) {
    const [process, tid] = key.split('/') as [string, string];
    const list = byProcess.get(process) ?? [];
    list.push({ tid, cpu: value - (before.get(key) ?? 0) });
    byProcess.set(process, list);
  }
  const sum = { total: 0, main: 0, forwarding: 0, other: 0, primary: 0 };
  for (const [process, threads] of byProcess) {
    const total = threads.reduce((acc, { cpu }) => acc + cpu, 0);
    sum.total += total;
    if (byProcess.size > 1 && process === String(apiPid)) {
      sum.primary += total;
      continue;
    }
    const main = threads.find(({ tid }) => tid === process)?.cpu ?? 0;
    const others = threads.filter(({ tid }) => tid !== process).map(({ cpu }) => cpu);
    const forwarding = Math.max(0, ...others);
    sum.main += main;
    sum.forwarding += forwarding;
    sum.other += total - main - forwarding;
  }
  return sum;
}

let apiPid = 0;

/** Node child processes of `pid` (a cluster's workers; not tsx's esbuild), from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      const isNode = readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'node';
      if (isNode && Number(fields[1]) === pid) children.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
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
  processes: number,
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
        MAESTRO_ROOMS_API_PROCESSES: String(processes),
        MAESTRO_LOCAL_RUNTIME_DIR: path.join(dir, 'rooms'),
      },
    },
  );
  return child;
}

async function waitReady(url: string) {
  const deadline = Date.now() + 180_000;
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
  return ticks / CLOCK_TICKS;
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
const round = (value: number) => Math.round(value * 100) / 100;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
