/**
 * Ctrl-C on `npm run dev` with a scheduler's local rooms running: the dev script itself, on the
 * run's Temporal, PostgreSQL and Redis (which it reuses, as it reuses services a developer already
 * runs), without a terminal. It says how many rooms remain and how to stop them, never waiting for
 * input; `npm run dev:stop-rooms` stops them; `--stop-rooms` stops them with the rest.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, freePortRange } from '../../scripts/local-infra/paths';
import { describeRooms, stopLocalRooms } from '../../scripts/dev-rooms';
import { listLiveLocalRooms } from '../../src/adapters/runtime/local/live-rooms';
import { MODULE_NAMES } from '../../src/config/load';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import { INTERNAL_PORT_VARIABLE, waitFor } from '../support/maestro-process';

const root = path.resolve(__dirname, '../..');
const REPLICAS = 2;

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

describe('npm run dev stopped with local rooms running', () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'maestro-dev-stop-'));
  const runtimeDir = path.join(stateDir, 'rooms');
  const scheduler = `dev-stop-${uniqueSuffix()}`;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let runs: Run[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const suffix = uniqueSuffix();
    env = {
      ...withoutMaestroVariables(),
      MAESTRO_DEV_STATE_DIR: stateDir,
      MAESTRO_TEMPORAL_ADDRESS: sharedInfra().temporalAddress,
      MAESTRO_POSTGRES_URL: database.url,
      MAESTRO_REDIS_URL: sharedInfra().redisUrl,
      MAESTRO_REDIS_KEY_PREFIX: `it-dev-${suffix}:`,
      MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: `it-dev-${suffix}`,
      MAESTRO_HEALTH_CONTROLLER_INTERVAL_MS: '2000',
      MAESTRO_LOG_LEVEL: 'warn',
    };
    for (const variable of [
      'MAESTRO_MANAGEMENT_API_PORT',
      'MAESTRO_ROOMS_API_PORT',
      'MAESTRO_MANAGEMENT_API_GRPC_PORT',
      'MAESTRO_ROOMS_API_GRPC_PORT',
      ...MODULE_NAMES.map((module) => INTERNAL_PORT_VARIABLE[module]),
    ])
      env[variable] = String(await freePort());
  });

  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await stopLocalRooms(runtimeDir, await listLiveLocalRooms(runtimeDir));
    await database.drop();
    rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  // Rooms may come and go while dev runs (the health controller replaces one that failed to
  // start on a busy machine): what dev says is checked against the rooms found after it stopped.
  it('says how many rooms it leaves running and how to stop them, without waiting for input', async () => {
    const dev = await startDev([]);
    await createScheduler();
    await waitForLiveRooms(REPLICAS);
    // Ready, so maestro saw their processes: the next dev finds them gone at once, rather than
    // waiting out the initialization timeout of rooms it never saw started.
    await waitForReadyRooms(REPLICAS);

    dev.child.kill('SIGINT');

    expect(await dev.exited).toBe(0);
    const left = await listLiveLocalRooms(runtimeDir);
    expect(left.length).toBeGreaterThan(0);
    expect(dev.output()).toContain(
      `[dev] ${describeRooms(left)} left running (rooms outlive maestro; the next npm run dev takes them over). Stop them with: npm run dev:stop-rooms`,
    );
    // maestro's own logs are readable lines (MAESTRO_LOG_FORMAT=pretty), not JSON.
    expect(dev.output()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[management-api\] /m);
    expect(dev.output()).not.toMatch(/^\{"level"/m);
  }, 240_000);

  it('stops them with npm run dev:stop-rooms once dev has stopped', async () => {
    const left = await listLiveLocalRooms(runtimeDir);
    const stop = run(['scripts/dev-stop-rooms.ts']);

    expect(await stop.exited).toBe(0);
    expect(left.length).toBeGreaterThan(0);
    expect(stop.output()).toContain(`[dev] stopped ${describeRooms(left)}`);
    expect(await listLiveLocalRooms(runtimeDir)).toEqual([]);
  }, 120_000);

  it('stops the rooms with the rest when started with --stop-rooms', async () => {
    const dev = await startDev(['--stop-rooms']);
    await waitForLiveRooms(REPLICAS);

    dev.child.kill('SIGINT');

    expect(await dev.exited).toBe(0);
    expect(dev.output()).toMatch(/\[dev\] stopped [1-9]\d* local rooms? of 1 scheduler\n/);
    expect(await listLiveLocalRooms(runtimeDir)).toEqual([]);
  }, 240_000);

  /** The dev script with a stdin that is no terminal and stays open (a prompt would hang). */
  async function startDev(args: string[]): Promise<Run> {
    const dev = run(['scripts/dev.ts', ...args]);
    const banner = await waitFor(
      async () => dev.output(),
      (output) => output.includes('maestro is up') || dev.child.exitCode !== null,
      180_000,
    );
    if (!banner.includes('maestro is up')) throw new Error(`dev did not come up:\n${banner}`);
    return dev;
  }

  function run(args: string[]): Run {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const started = { child, output: () => output, exited };
    runs = [...runs, started];
    return started;
  }

  async function createScheduler() {
    const response = await fetch(
      `http://127.0.0.1:${env['MAESTRO_MANAGEMENT_API_PORT']}/schedulers`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(await gameRoomScheduler()),
      },
    );
    expect(response.status).toBe(200);
  }

  async function waitForLiveRooms(count: number) {
    const live = await waitFor(
      () => listLiveLocalRooms(runtimeDir),
      (rooms) => rooms.length >= count,
      120_000,
    );
    expect(live.length).toBeGreaterThanOrEqual(count);
  }

  async function waitForReadyRooms(count: number) {
    const info = async () => {
      const response = await fetch(
        `http://127.0.0.1:${env['MAESTRO_MANAGEMENT_API_PORT']}/schedulers/info?game=tennis`,
      );
      const body = (await response.json()) as { schedulers: { roomsReady: number }[] };
      return body.schedulers[0]?.roomsReady ?? 0;
    };
    expect(await waitFor(info, (ready) => ready >= count, 120_000)).toBeGreaterThanOrEqual(count);
  }

  /** The sample game room, pinging dev's Rooms API, on host ports of its own. */
  async function gameRoomScheduler() {
    const start = await freePortRange(50);
    return {
      name: scheduler,
      game: 'tennis',
      maxSurge: '50%',
      roomsReplicas: REPLICAS,
      portRange: { start, end: start + 49 },
      spec: {
        terminationGracePeriod: '5s',
        toleration: '',
        affinity: '',
        containers: [
          {
            name: 'game',
            image: 'sample-game-room',
            imagePullPolicy: 'IfNotPresent',
            command: ['node', path.join(root, 'examples/game-room/index.js')],
            environment: [
              {
                name: 'ROOMS_API_ADDRESS',
                value: `http://127.0.0.1:${env['MAESTRO_ROOMS_API_PORT']}`,
              },
              { name: 'PING_INTERVAL_MS', value: '1000' },
            ],
            requests: { cpu: '10m', memory: '32Mi' },
            limits: { cpu: '100m', memory: '64Mi' },
            ports: [{ name: 'game', protocol: 'tcp', port: 7777 }],
          },
        ],
      },
    };
  }
});

/** The test's own MAESTRO_* and TEMPORAL_* variables stay out of the dev script's environment. */
function withoutMaestroVariables(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        !/^(MAESTRO|TEMPORAL)_/.test(entry[0]) && entry[1] !== undefined,
    ),
  );
}
