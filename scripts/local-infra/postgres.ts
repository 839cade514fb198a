import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { postgresAccount, postgresBinDir } from './paths';
import { spawnService, waitUntilReady, type ServiceProcess } from './process';

export interface PostgresOptions {
  /** Run in its own process group (see spawnService). */
  detached?: boolean;
  /** Cluster directory; created with initdb when empty, reused otherwise. */
  dir: string;
  port: number;
  user: string;
  password: string;
  /** Off only for throw-away test clusters. */
  durable: boolean;
}

export interface RunningPostgres {
  process: ServiceProcess;
  /** URL of the `postgres` maintenance database, as the cluster's superuser. */
  adminUrl: string;
}

/** Starts a private PostgreSQL cluster on loopback (initialising it on first use). */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const account = postgresAccount();
  const dataDir = path.join(options.dir, 'data');
  const logFile = path.join(options.dir, 'postgres.log');
  mkdirSync(options.dir, { recursive: true });
  if (account) {
    chownSync(options.dir, account.uid, account.gid);
    assertReachable(options.dir, account);
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) initCluster(bin, dataDir, options, account);

  const settings = [
    `listen_addresses=127.0.0.1`,
    `port=${options.port}`,
    `unix_socket_directories=`,
    `max_connections=200`,
    ...(options.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  const process = spawnService({
    name: 'postgres',
    command: path.join(bin, 'postgres'),
    args: ['-D', dataDir, ...settings.flatMap((setting) => ['-c', setting])],
    logFile,
    detached: options.detached,
    ...account,
  });
  const adminUrl = `postgres://${options.user}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`;
  await waitUntilReady(process, () => query(adminUrl, 'SELECT 1'), 30_000, logFile);
  return { process, adminUrl };
}

function initCluster(
  bin: string,
  dataDir: string,
  options: PostgresOptions,
  account: { uid: number; gid: number } | undefined,
) {
  const passwordFile = path.join(path.dirname(dataDir), 'initdb-password');
  writeFileSync(passwordFile, options.password, { mode: 0o600 });
  if (account) chownSync(passwordFile, account.uid, account.gid);
  execFileSync(
    path.join(bin, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      options.user,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      ...(options.durable ? [] : ['--no-sync']),
    ],
    { stdio: 'pipe', ...account },
  );
}

/** The postgres account must be able to reach the cluster directory through all its parents. */
function assertReachable(dir: string, account: { uid: number; gid: number }) {
  try {
    execFileSync('test', ['-w', dir], account);
  } catch {
    throw new Error(
      `the postgres account cannot reach ${dir}: make its parent directories world-executable (chmod o+x) or choose another directory`,
    );
  }
}

/** Runs one statement on a fresh connection. */
export async function query(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `database` (optionally from `template`) unless it exists; returns its URL. */
export async function ensureDatabase(
  adminUrl: string,
  database: string,
  template?: string,
): Promise<string> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (rowCount === 0) {
      await client.query(
        `CREATE DATABASE "${database}"${template ? ` TEMPLATE "${template}"` : ''}`,
      );
    }
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
