import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { maestroSearchAttributes } from '../../workflows/search-attributes';
import { temporalBinary } from './paths';
import { spawnService, waitUntilReady, type ServiceProcess } from './process';

export interface TemporalOptions {
  /** Run in its own process group (see spawnService). */
  detached?: boolean;
  dir: string;
  port: number;
  /** Web UI port; none means headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; none means in memory. */
  dbFile?: string;
  /**
   * `--sqlite-pragma` settings of that file; default FILE_PRAGMAS. Ignored in memory.
   */
  sqlitePragmas?: Record<string, string>;
  /** false: start without maestro's search attributes (as `maestro migrate` finds a new cluster). */
  registerSearchAttributes?: boolean;
  /** `--dynamic-config-value KEY=JSON` pairs, e.g. a lower continue-as-new threshold in tests. */
  dynamicConfig?: Record<string, unknown>;
  /** The Web UI decodes payloads through this codec endpoint (maestro's `/codec`). */
  uiCodecEndpoint?: string;
}

/**
 * A write-ahead log synced at checkpoints rather than at every commit: the SQLite default
 * (rollback journal, `synchronous=full`) syncs the disk several times per transaction, and every
 * workflow task is a few transactions. A dev server's file so survives a crash of the server (or
 * of maestro); only an operating-system crash may lose its last transactions.
 */
export const FILE_PRAGMAS: Record<string, string> = { journal_mode: 'wal', synchronous: 'normal' };

/**
 * Dynamic configuration every dev server here starts with (a caller's `dynamicConfig` adds to it
 * or overrides it). The dev server has one history shard, and each shard's transfer queue reads
 * new tasks at most `history.transferProcessorMaxPollRPS` times a second (20 by default): every
 * workflow task, child start and close is such a task, so a handful of operations a second left
 * each of those hops waiting ~35 ms for its read — most of a `switch_active_version` (198 → 83 ms
 * p50 in `npm run bench:operations`). A cluster with hundreds of shards spreads that limit; one
 * with few shards wants the same setting (docs/temporal.md).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = {
  'history.transferProcessorMaxPollRPS': 1000,
};

export interface RunningTemporal {
  process: ServiceProcess;
  address: string;
  uiUrl?: string;
}

/** Starts the Temporal dev server, with maestro's search attributes registered unless told not to. */
export async function startTemporal(options: TemporalOptions): Promise<RunningTemporal> {
  mkdirSync(options.dir, { recursive: true });
  const logFile = path.join(options.dir, 'temporal.log');
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--log-level',
    'warn',
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...(options.dbFile ? ['--db-filename', options.dbFile, ...pragmas(options)] : []),
    ...(options.registerSearchAttributes === false
      ? []
      : maestroSearchAttributes.flatMap((key) => [
          '--search-attribute',
          `${key.name}=${key.type}`,
        ])),
    ...Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...options.dynamicConfig }).flatMap(
      ([name, value]) => ['--dynamic-config-value', `${name}=${JSON.stringify(value)}`],
    ),
  ];
  const process = spawnService({
    name: 'temporal',
    command: temporalBinary(),
    args,
    logFile,
    detached: options.detached,
    env: { TEMPORAL_VERSION_CHECK_DISABLED: '1' },
  });
  const address = `127.0.0.1:${options.port}`;
  await waitUntilReady(process, () => probe(address), 60_000, logFile);
  return {
    process,
    address,
    ...(options.uiPort !== undefined && { uiUrl: `http://127.0.0.1:${options.uiPort}` }),
  };
}

function pragmas(options: TemporalOptions): string[] {
  return Object.entries(options.sqlitePragmas ?? FILE_PRAGMAS).flatMap(([name, value]) => [
    '--sqlite-pragma',
    `${name}=${value}`,
  ]);
}

async function probe(address: string): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 1_000 });
  try {
    await connection.workflowService.getSystemInfo({});
  } finally {
    await connection.close();
  }
}
