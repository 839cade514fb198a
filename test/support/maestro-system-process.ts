import { MODULE_NAMES, type ModuleName } from '../../src/config/load';
import { freePort } from '../../scripts/local-infra/paths';
import { sharedInfra, uniqueSuffix } from './infra';
import {
  INTERNAL_PORT_VARIABLE,
  runMaestro,
  waitFor,
  type MaestroProcess,
} from './maestro-process';
import { schedulerDefinition } from './test-scheduler';

/** What `/readyz` answered. */
export interface Readiness {
  status: number;
  body: { status: string; message?: string; checks: Record<string, string> };
}

/** A `maestro start <target>` child process on free ports, and how to reach it. */
export interface MaestroSystemProcess extends MaestroProcess {
  managementApiUrl: string;
  roomsApiUrl: string;
  readiness(module: ModuleName): Promise<Readiness>;
  /** Polls the modules' /readyz until every one answers `status` (or the time is up). */
  waitForReadiness(modules: readonly ModuleName[], status: number): Promise<Readiness[]>;
  /** Polls the modules' /readyz until the named check of every one satisfies `isExpected`. */
  waitForCheck(
    modules: readonly ModuleName[],
    check: string,
    isExpected: (outcome: string) => boolean,
  ): Promise<Readiness[]>;
  stop(): Promise<void>;
}

/**
 * Runs the CLI (`maestro start all` by default) on the run's PostgreSQL database `postgresUrl` and
 * Redis, with its own Redis key prefix, task queues and ports; `env` adds or overrides variables.
 */
export async function startMaestroProcess(
  postgresUrl: string,
  env: Record<string, string>,
  target: 'all' | ModuleName = 'all',
): Promise<MaestroSystemProcess> {
  const suffix = uniqueSuffix();
  const ports = {} as Record<ModuleName, number>;
  for (const module of MODULE_NAMES) ports[module] = await freePort();
  const apiPort = await freePort();
  const roomsPort = await freePort();
  const maestro = runMaestro(['start', target], {
    MAESTRO_LOG_LEVEL: 'info',
    MAESTRO_BIND_HOST: '127.0.0.1',
    MAESTRO_POSTGRES_URL: postgresUrl,
    MAESTRO_REDIS_URL: sharedInfra().redisUrl,
    MAESTRO_REDIS_KEY_PREFIX: `it-${suffix}:`,
    MAESTRO_TEMPORAL_TASK_QUEUE_PREFIX: `it-${suffix}`,
    MAESTRO_MANAGEMENT_API_PORT: String(apiPort),
    MAESTRO_ROOMS_API_PORT: String(roomsPort),
    MAESTRO_MANAGEMENT_API_GRPC_PORT: String(await freePort()),
    MAESTRO_ROOMS_API_GRPC_PORT: String(await freePort()),
    ...Object.fromEntries(MODULE_NAMES.map((m) => [INTERNAL_PORT_VARIABLE[m], String(ports[m])])),
    ...env,
  });
  const readiness = async (module: ModuleName): Promise<Readiness> => {
    const response = await fetch(`http://127.0.0.1:${ports[module]}/readyz`);
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  };
  return {
    ...maestro,
    managementApiUrl: `http://127.0.0.1:${apiPort}`,
    roomsApiUrl: `http://127.0.0.1:${roomsPort}`,
    readiness,
    waitForReadiness: (modules, status) =>
      waitFor(
        () => Promise.all(modules.map(readiness)).catch(() => []),
        (all) => all.length > 0 && all.every((r) => r.status === status),
        90_000,
      ),
    waitForCheck: (modules, check, isExpected) =>
      waitFor(
        () => Promise.all(modules.map(readiness)).catch(() => []),
        (all) => all.length > 0 && all.every((r) => isExpected(r.body.checks[check] ?? '')),
        60_000,
      ),
    stop: async () => {
      if (maestro.child.exitCode === null) maestro.child.kill('SIGTERM');
      await maestro.exited;
    },
  };
}

/** A scheduler as Maestro's HTTP API takes it (rooms are never started: no replicas). */
function httpScheduler(name: string) {
  const { spec, ...definition } = schedulerDefinition(name);
  const { terminationGracePeriodMs: _, ...rest } = spec;
  return { ...definition, spec: { ...rest, terminationGracePeriod: '5s' } };
}

/** Creates a scheduler through the Management API; resolves with its create operation's status. */
export async function createdScheduler(
  maestro: MaestroSystemProcess,
  name: string,
): Promise<string> {
  const created = await fetch(`${maestro.managementApiUrl}/schedulers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(httpScheduler(name)),
  });
  if (created.status !== 200) throw new Error(`POST /schedulers answered ${created.status}`);
  const operations = await waitFor(
    async () => {
      const response = await fetch(
        `${maestro.managementApiUrl}/schedulers/${name}/operations?stage=final`,
      );
      return (await response.json()) as { operations?: Array<{ status: string }> };
    },
    (body) => (body.operations?.length ?? 0) > 0,
    60_000,
  );
  return operations.operations?.[0]?.status ?? 'none';
}
