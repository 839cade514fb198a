import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { binDir, cacheDir, isPortFree, temporalBinary } from '../../scripts/local-infra/paths';
import {
  spawnService,
  waitUntilReady,
  type ServiceProcess,
} from '../../scripts/local-infra/process';
import {
  loadComposeProject,
  repositoryRoot,
  type ComposeProject,
  type ComposeService,
} from '../support/compose-project';
import { sharedInfra } from '../support/infra';

/**
 * docker-compose.yml's Temporal chain run as the containers would run it, without Docker: the
 * temporal-schema job's script with its environment, the temporalio/server image's start (dockerize
 * renders the image's config_template.yaml from the service's environment, then `temporal-server
 * --env docker start`), the service's healthcheck command, and the temporal-namespace job's script.
 * Only what Docker would provide differs: service hostnames become this run's PostgreSQL and free
 * loopback ports, and mounted paths their files in the repository. Binaries: scripts/provision/
 * compose-temporal.sh, built at the server image's version.
 */
const run = promisify(execFile);
const PATH = `${binDir}:${path.dirname(temporalBinary())}:${process.env['PATH'] ?? ''}`;

/** A path inside a container, as the file the service bind-mounts there from the repository. */
function hostPath(service: ComposeService, containerPath: string): string {
  const mount = service.volumes?.find(
    (v) => v.type === 'bind' && (containerPath + '/').startsWith(`${v.target}/`),
  );
  if (!mount) throw new Error(`${containerPath} is not mounted from the repository`);
  return path.join(mount.source, path.relative(mount.target, containerPath));
}

/** Runs a job's `sh <script>` entrypoint with its environment plus `overrides`. */
async function runJob(service: ComposeService, overrides: Record<string, string>) {
  const [shell, script] = service.entrypoint ?? [];
  expect(shell).toBe('sh');
  return run('sh', [hostPath(service, script!)], {
    env: { PATH, HOME: process.env['HOME'], ...service.environment, ...overrides },
    timeout: 120_000,
  });
}

describe("docker-compose.yml's Temporal services, run without Docker", () => {
  let project: ComposeProject;
  let server: ServiceProcess | undefined;
  let address = '';
  const postgres = new URL(sharedInfra().postgresAdminUrl);
  const service = (name: string) => project.services[name]!;
  const imageVersion = () => service('temporal').image!.split(':')[1]!;

  beforeAll(async () => ({ project } = await loadComposeProject()));
  afterAll(async () => server?.stop());

  it('builds its Temporal tools at the version of the server image', () => {
    const goMod = readFileSync(path.join(repositoryRoot, 'test/compose/temporal/go.mod'), 'utf8');

    expect(goMod).toMatch(new RegExp(`go\\.temporal\\.io/server v${imageVersion()}\\n`));
  });

  it('temporal-schema creates both databases, and running it again changes nothing', async () => {
    const connection = {
      SQL_HOST: postgres.hostname,
      SQL_PORT: postgres.port,
      SQL_USER: decodeURIComponent(postgres.username),
      SQL_PASSWORD: decodeURIComponent(postgres.password),
    };

    await runJob(service('temporal-schema'), connection);
    const first = await schemaVersions();
    const second = await runJob(service('temporal-schema'), connection);

    expect(second.stdout).toContain('temporal-schema: done');
    expect(await schemaVersions()).toEqual(first);
    expect(Number(first.temporal)).toBeGreaterThan(1);
    expect(Number(first.temporal_visibility)).toBeGreaterThan(1);
  }, 240_000);

  it('temporal starts from its compose environment and passes its healthcheck', async () => {
    const workDir = mkdtempSync(path.join(sharedInfra().workDir, 'compose-temporal-'));
    const env = await serverEnvironment(service('temporal'));
    address = `127.0.0.1:${env['FRONTEND_GRPC_PORT']}`;
    mkdirSync(path.join(workDir, 'config'));
    const template = `${cacheDir}/go/mod/go.temporal.io/server@v${imageVersion()}/docker/config_template.yaml`;
    await run('dockerize', ['-template', `${template}:${workDir}/config/docker.yaml`], {
      env: { ...env, PATH },
    });
    const logFile = path.join(workDir, 'temporal-server.log');
    server = spawnService({
      name: 'temporal-server',
      command: path.join(binDir, 'temporal-server'),
      args: ['--env', 'docker', 'start'],
      cwd: workDir,
      env,
      logFile,
    });
    const [kind, check] = service('temporal').healthcheck!.test;
    const healthcheck = check!.replace('127.0.0.1:7233', address);

    expect(kind).toBe('CMD-SHELL');
    await waitUntilReady(
      server,
      () => run('sh', ['-c', healthcheck], { env: { PATH, HOME: process.env['HOME'] } }),
      90_000,
      logFile,
    );
  }, 120_000);

  it('temporal-namespace registers the namespace maestro uses, and leaves it as it is after', async () => {
    const job = service('temporal-namespace');
    const namespace = job.environment!['TEMPORAL_NAMESPACE']!;

    const first = await runJob(job, { TEMPORAL_ADDRESS: address });
    const second = await runJob(job, { TEMPORAL_ADDRESS: address });

    expect(first.stdout).toContain(`${namespace} created`);
    expect(second.stdout).toContain(`${namespace} already exists`);
    expect(second.stdout).toContain(`${namespace} is served`);
    await run(temporalBinary(), [
      'operator',
      'namespace',
      'describe',
      '-n',
      namespace,
      '--address',
      address,
    ]);
  }, 120_000);

  /** The server service's environment on this machine: this run's PostgreSQL, free ports. */
  async function serverEnvironment(temporal: ComposeService): Promise<Record<string, string>> {
    const names = ['FRONTEND', 'HISTORY', 'MATCHING', 'WORKER'].flatMap((role) => [
      `${role}_GRPC_PORT`,
      `${role}_MEMBERSHIP_PORT`,
    ]);
    names.push('FRONTEND_HTTP_PORT', 'INTERNAL_FRONTEND_HTTP_PORT');
    const free = await freePortsBelowEphemeral(names.length);
    const ports = Object.fromEntries(names.map((name, i) => [name, String(free[i])]));
    const environment = temporal.environment!;
    return {
      ...environment,
      ...ports,
      POSTGRES_SEEDS: postgres.hostname,
      DB_PORT: postgres.port,
      POSTGRES_USER: decodeURIComponent(postgres.username),
      POSTGRES_PWD: decodeURIComponent(postgres.password),
      BIND_ON_IP: '127.0.0.1',
      DYNAMIC_CONFIG_FILE_PATH: hostPath(temporal, environment['DYNAMIC_CONFIG_FILE_PATH']!),
      TEMPORAL_VERSION_CHECK_DISABLED: '1',
    };
  }

  /**
   * Ports free right now, below the ephemeral range: Temporal stores membership ports in a
   * PostgreSQL smallint (at most 32767), and the OS hands out ephemeral ports above that.
   */
  async function freePortsBelowEphemeral(count: number): Promise<number[]> {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!ports.includes(port) && (await isPortFree(port))) ports.push(port);
    }
    return ports;
  }

  /** Each Temporal database's schema version, as temporal-sql-tool records it. */
  async function schemaVersions(): Promise<Record<string, string>> {
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
});
