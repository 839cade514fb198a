import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { binDir, cacheDir, freePortRange, temporalBinary } from '../../scripts/local-infra/paths';
import {
  spawnService,
  waitUntilReady,
  type ServiceProcess,
} from '../../scripts/local-infra/process';
import type { ComposeService } from './compose-project';

/**
 * docker-compose.yml's Temporal services run as their containers would, without Docker. Only what
 * Docker provides differs: service hostnames become this run's PostgreSQL and free loopback ports,
 * and mounted paths their files in the repository. Binaries: scripts/provision/compose-temporal.sh,
 * built at the server image's version.
 */
export const run = promisify(execFile);
const PATH = `${binDir}:${path.dirname(temporalBinary())}:${process.env['PATH'] ?? ''}`;
const HOME = process.env['HOME'] ?? '/';

/** A path inside a container, as the file the service bind-mounts there from the repository. */
export function hostPath(service: ComposeService, containerPath: string): string {
  const mount = service.volumes?.find(
    (v) => v.type === 'bind' && (containerPath + '/').startsWith(`${v.target}/`),
  );
  if (!mount) throw new Error(`${containerPath} is not mounted from the repository`);
  return path.join(mount.source, path.relative(mount.target, containerPath));
}

/** Runs a one-shot job's `sh <script>` entrypoint with its environment plus `overrides`. */
export function runJob(service: ComposeService, overrides: Record<string, string>) {
  const [shell, script] = service.entrypoint ?? [];
  if (shell !== 'sh' || !script) throw new Error('a job runs `sh <script>`');
  return run('sh', [hostPath(service, script)], {
    env: { PATH, HOME, ...service.environment, ...overrides },
    timeout: 120_000,
  });
}

/** The PostgreSQL connection of a `postgres://user:password@host:port` URL, as SQL_* variables. */
export function sqlConnection(postgres: URL): Record<string, string> {
  return {
    SQL_HOST: postgres.hostname,
    SQL_PORT: postgres.port,
    SQL_USER: decodeURIComponent(postgres.username),
    SQL_PASSWORD: decodeURIComponent(postgres.password),
  };
}

export interface RunningTemporal {
  server: ServiceProcess;
  /** The frontend, host:port. */
  address: string;
}

/**
 * The temporalio/server image's start: dockerize renders the image's config_template.yaml (of the
 * server module at `version`) from the service's environment into config/docker.yaml, then
 * `temporal-server --env docker start`; ready once the service's own healthcheck command passes.
 */
export async function startTemporalServer(
  temporal: ComposeService,
  version: string,
  postgres: URL,
  workDir: string,
): Promise<RunningTemporal> {
  const env: Record<string, string> = { ...(await serverEnvironment(temporal, postgres)), HOME };
  const address = `127.0.0.1:${env['FRONTEND_GRPC_PORT']}`;
  mkdirSync(path.join(workDir, 'config'), { recursive: true });
  const template = `${cacheDir}/go/mod/go.temporal.io/server@v${version}/docker/config_template.yaml`;
  await run('dockerize', ['-template', `${template}:${workDir}/config/docker.yaml`], {
    env: { ...env, PATH },
  });
  const logFile = path.join(workDir, 'temporal-server.log');
  const server = spawnService({
    name: 'temporal-server',
    command: path.join(binDir, 'temporal-server'),
    args: ['--env', 'docker', 'start'],
    cwd: workDir,
    env,
    logFile,
  });
  const [kind, check] = temporal.healthcheck?.test ?? [];
  if (kind !== 'CMD-SHELL' || !check) throw new Error('the temporal healthcheck is a CMD-SHELL');
  const healthcheck = check.replace('127.0.0.1:7233', address);
  await waitUntilReady(
    server,
    () => run('sh', ['-c', healthcheck], { env: { PATH, HOME } }),
    90_000,
    logFile,
  );
  return { server, address };
}

/** The server service's environment on this machine: this run's PostgreSQL, free ports. */
async function serverEnvironment(
  temporal: ComposeService,
  postgres: URL,
): Promise<Record<string, string>> {
  const names = ['FRONTEND', 'HISTORY', 'MATCHING', 'WORKER'].flatMap((role) => [
    `${role}_GRPC_PORT`,
    `${role}_MEMBERSHIP_PORT`,
  ]);
  names.push('FRONTEND_HTTP_PORT', 'INTERNAL_FRONTEND_HTTP_PORT');
  // Temporal stores membership ports in a PostgreSQL smallint (at most 32767).
  const first = await freePortRange(names.length, 32_768);
  const environment = temporal.environment ?? {};
  return {
    ...environment,
    ...Object.fromEntries(names.map((name, i) => [name, String(first + i)])),
    POSTGRES_SEEDS: postgres.hostname,
    DB_PORT: postgres.port,
    POSTGRES_USER: decodeURIComponent(postgres.username),
    POSTGRES_PWD: decodeURIComponent(postgres.password),
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: hostPath(temporal, environment['DYNAMIC_CONFIG_FILE_PATH'] ?? ''),
    TEMPORAL_VERSION_CHECK_DISABLED: '1',
  };
}

/** Each Temporal database's schema version, as temporal-sql-tool records it. */
export async function schemaVersions(postgres: URL): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const database of ['temporal', 'temporal_visibility']) {
    const url = new URL(postgres.href);
    url.pathname = `/${database}`;
    const client = new Client({ connectionString: url.href });
    await client.connect();
    try {
      const { rows } = await client.query<{ curr_version: string }>(
        'SELECT curr_version FROM schema_version',
      );
      versions[database] = rows[0]?.curr_version ?? '';
    } finally {
      await client.end();
    }
  }
  return versions;
}

/** The `temporal` CLI against `address`. */
export const temporalCli = (address: string, ...args: string[]) =>
  run(temporalBinary(), [...args, '--address', address], { env: { PATH, HOME } });
