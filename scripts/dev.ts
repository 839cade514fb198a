/**
 * `npm run dev`: the whole system on this machine. Starts (or reuses, when one already answers at
 * the configured address) the Temporal dev server with its Web UI, PostgreSQL and Redis, migrates,
 * runs every maestro module in one process, and prints the URLs. Ctrl-C stops maestro first, then
 * deals with the local rooms still running (scripts/dev-rooms.ts: stopped with `--stop-rooms` or
 * MAESTRO_DEV_STOP_ROOMS=1, asked on a terminal, else left running with a word on how to stop
 * them), then stops only the services this run started. State lives in .maestro/dev
 * (MAESTRO_DEV_STATE_DIR), so the next run finds its workflows, schedulers and rooms again.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client } from 'pg';
import { createRootLogger } from '../src/main/infra/logger';
import { createPostgresPool } from '../src/adapters/postgres/pool';
import { migrate } from '../src/adapters/postgres/migrate';
import { loadConfig, MODULE_NAMES, type Config } from '../src/config/load';
import { ensureDatabase, startPostgres } from './local-infra/postgres';
import { isPortFree } from './local-infra/paths';
import type { ServiceProcess } from './local-infra/process';
import { pingRedis, startRedis } from './local-infra/redis';
import { startTemporal } from './local-infra/temporal';
import { devStateDir as stateDir, maestroEnvironment } from './dev-environment';
import { roomsOnStop, settleLocalRooms, type RoomsOnStop } from './dev-rooms';

const root = path.resolve(__dirname, '..');
const started: ServiceProcess[] = [];
const say = (message: string) => console.log(`[dev] ${message}`);

async function main() {
  const onStop = roomsOnStop(
    process.argv.slice(2),
    process.env['MAESTRO_DEV_STOP_ROOMS'],
    process.stdin.isTTY === true,
  );
  const config = loadConfig(maestroEnvironment());
  mkdirSync(stateDir, { recursive: true });
  say(`state directory: ${stateDir}`);
  const temporalUi = await ensureTemporal(config);
  await Promise.all([ensurePostgres(config), ensureRedis(config)]);
  await runMigrations(config);
  const maestro = startMaestro();
  await waitForModules(config);
  printBanner(config, temporalUi);
  const shutdown = onceSignalled();
  const reason = await Promise.race([
    shutdown,
    maestro.exited.then((code) => `maestro exited with ${code}`),
  ]);
  say(`stopping (${reason})`);
  await maestro.stop();
  await settleRooms(config, onStop);
  await stopStarted();
}

/** Rooms outlive maestro: say so, and stop them when the user wants (see dev-rooms.ts). */
async function settleRooms(config: Config, choice: RoomsOnStop) {
  if (config.runtime.kind !== 'local') return;
  try {
    await settleLocalRooms({ runtimeDir: config.runtime.stateDir, choice, say });
  } catch (error) {
    say(`local rooms not settled: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function ensureTemporal(config: Config): Promise<string | undefined> {
  const [host, portText] = config.temporal.address.split(':') as [string, string];
  const port = Number(portText);
  const temporal = await ensureService(
    'Temporal server',
    host,
    port,
    () => probeTemporal(config.temporal.address),
    () =>
      startTemporal({
        dir: path.join(stateDir, 'temporal'),
        port,
        uiPort: port + 1000,
        dbFile: path.join(stateDir, 'temporal', 'temporal.db'),
        detached: true,
        // With payload keys, the UI shows payloads decoded by the Management API's codec endpoint.
        ...(config.temporal.payloadEncryption && {
          uiCodecEndpoint: `http://${config.managementApi.host}:${config.managementApi.port}/codec`,
        }),
      }),
  );
  return temporal?.uiUrl;
}

async function ensurePostgres(config: Config) {
  const url = new URL(config.postgres.url);
  const port = Number(url.port || 5432);
  const postgres = await ensureService(
    'PostgreSQL',
    url.hostname,
    port,
    () => probePostgres(config.postgres.url),
    () =>
      startPostgres({
        dir: path.join(stateDir, 'postgres'),
        port,
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        durable: true,
        detached: true,
      }),
  );
  if (postgres) await ensureDatabase(postgres.adminUrl, url.pathname.slice(1));
}

async function ensureRedis(config: Config) {
  const redis = config.redis;
  if (redis.mode === 'cluster' || redis.mode === 'sentinel') {
    // A cluster or sentinels are the operator's: dev starts only a single local server.
    say(`using the Redis ${redis.mode} configured in MAESTRO_REDIS_NODES`);
    return;
  }
  const url = new URL(redis.url);
  const port = Number(url.port || 6379);
  await ensureService(
    'Redis',
    url.hostname,
    port,
    () => pingRedis(redis.url),
    () => startRedis({ dir: path.join(stateDir, 'redis'), port, durable: true, detached: true }),
  );
}

/**
 * Reuses the service answering at host:port, or starts one there (loopback only). Returns what it
 * started, which Ctrl-C will stop; undefined when it reused one, which Ctrl-C leaves alone.
 */
async function ensureService<T extends { process: ServiceProcess }>(
  what: string,
  host: string,
  port: number,
  probe: () => Promise<unknown>,
  start: () => Promise<T>,
): Promise<T | undefined> {
  const failure = await probeFailure(probe);
  if (failure === undefined) {
    say(`using the ${what} already at ${host}:${port}`);
    return undefined;
  }
  if (!(await isPortFree(port, host))) {
    throw new Error(
      `${host}:${port} is taken by something that is not a usable ${what} (${failure}); free the port or point maestro elsewhere`,
    );
  }
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(
      `no ${what} answers at ${host}:${port}, and dev starts services only on loopback`,
    );
  }
  say(`starting ${what} on ${host}:${port}`);
  const service = await start();
  started.push(service.process);
  return service;
}

async function runMigrations(config: Config) {
  const log = createRootLogger('warn');
  const pool = createPostgresPool({ ...config.postgres, poolSize: 1 }, log);
  try {
    const applied = await migrate(pool, log);
    say(
      applied.length > 0
        ? `migrations applied: ${applied.join(', ')}`
        : 'database schema up to date',
    );
  } finally {
    await pool.end();
  }
}

function startMaestro(): ServiceProcess & { exited: Promise<number | null> } {
  say('starting maestro (all modules in one process)');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'src/main/cli.ts'), 'start', 'all'],
    {
      cwd: root,
      env: maestroEnvironment(),
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    },
  );
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    name: 'maestro',
    pid: child.pid ?? -1,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitForModules(config: Config) {
  const urls = MODULE_NAMES.map(
    (name) => `http://127.0.0.1:${config.internalServers[name].port}/readyz`,
  );
  const deadline = Date.now() + 120_000;
  for (const url of urls) {
    while (!(await answers(async () => assertOk(await fetch(url))))) {
      if (Date.now() > deadline) throw new Error(`${url} did not turn ready within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function printBanner(config: Config, temporalUi: string | undefined) {
  const rows: Array<[string, string]> = [
    ['Management API', `http://127.0.0.1:${config.managementApi.port}`],
    ['Rooms API', `http://127.0.0.1:${config.roomsApi.port}`],
    ['Temporal UI', temporalUi ?? '(not started here: the Temporal server in use was reused)'],
    ...(config.temporal.payloadEncryption
      ? [
          ['Temporal codec endpoint', `http://127.0.0.1:${config.managementApi.port}/codec`] as [
            string,
            string,
          ],
        ]
      : []),
    ...MODULE_NAMES.map((name): [string, string] => [
      `${name} /readyz`,
      `http://127.0.0.1:${config.internalServers[name].port}/readyz`,
    ]),
  ];
  const lines = rows.map(([label, url]) => `  ${label.padEnd(26)}${url}`);
  console.log(
    `\n  maestro is up\n\n${lines.join('\n')}\n\n  Ctrl-C stops it (local rooms: kept, or stopped too with --stop-rooms).\n`,
  );
}

async function stopStarted() {
  for (const service of started.reverse()) {
    say(`stopping ${service.name}`);
    await service.stop();
  }
}

function onceSignalled(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => resolve(signal));
  });
}

function assertOk(response: Response) {
  if (!response.ok) throw new Error(`status ${response.status}`);
}

async function answers(probe: () => Promise<unknown>): Promise<boolean> {
  return (await probeFailure(probe)) === undefined;
}

async function probeFailure(probe: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await probe();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Where nothing listens, the probes fail at once (connection refused); the timeouts only matter
 * for a server that is there but slow to answer, as on a busy machine: long enough not to take it
 * for something else.
 */
const PROBE_TIMEOUT_MS = 5_000;

async function probeTemporal(address: string) {
  const connection = await Connection.connect({ address, connectTimeout: PROBE_TIMEOUT_MS });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}

async function probePostgres(url: string) {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  await client.connect();
  await client.end();
}

main().catch(async (error: unknown) => {
  console.error(`[dev] failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopStarted();
  process.exit(1);
});
