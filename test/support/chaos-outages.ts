import path from 'node:path';
import { freePort } from '../../scripts/local-infra/paths';
import type { ServiceProcess } from '../../scripts/local-infra/process';
import { startTemporal, type RunningTemporal } from '../../scripts/local-infra/temporal';
import { sharedInfra, uniqueSuffix } from './infra';
import { OperationsHarness } from './operations-harness';
import {
  INTERNAL_PORT_VARIABLE,
  runMaestro,
  waitFor,
  type MaestroProcess,
} from './maestro-process';

/** What an HTTP call answered, how fast; status 0 when nothing came back within `timeoutMs`. */
export interface TimedAnswer {
  status: number;
  body: { code?: number; message?: string; operationId?: string } & Record<string, unknown>;
  retryAfter: string | null;
  elapsedMs: number;
}

/** One HTTP call with JSON in and out, given up (status 0) after `timeoutMs`. */
export async function timedCall(
  url: string,
  method: string,
  body?: unknown,
  timeoutMs = 30_000,
): Promise<TimedAnswer> {
  const startedAt = Date.now();
  try {
    const response = await fetch(url, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as TimedAnswer['body'],
      retryAfter: response.headers.get('retry-after'),
      elapsedMs: Date.now() - startedAt,
    };
  } catch (error) {
    const message =
      error instanceof Error ? `${error.message} ${String(error.cause)}` : String(error);
    return { status: 0, body: { message }, retryAfter: null, elapsedMs: Date.now() - startedAt };
  }
}

/**
 * A Temporal dev server of one test file, keeping its state in a SQLite file so that it can be
 * SIGKILLed and started again on the same port with every workflow where it was.
 */
export class RestartableTemporal {
  private running?: RunningTemporal;
  private readonly dir = path.join(sharedInfra().workDir, `chaos-temporal-${uniqueSuffix()}`);
  private port = 0;

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Starts it (again, on the same port and state); a no-op while it runs. */
  async start(): Promise<void> {
    if (this.running) return;
    if (this.port === 0) this.port = await freePort();
    this.running = await startTemporal({
      dir: this.dir,
      port: this.port,
      dbFile: path.join(this.dir, 'temporal.sqlite'),
    });
  }

  /** SIGKILL: no graceful shutdown, as when its node dies. */
  async kill(): Promise<void> {
    await this.running?.process.kill();
    this.running = undefined;
  }

  async stop(): Promise<void> {
    await this.running?.process.stop();
    this.running = undefined;
  }
}

/** A `maestro start management-api` process and where its HTTP API listens. */
export interface ManagementApiProcess extends MaestroProcess {
  url: string;
  stop(): Promise<void>;
}

/** Runs the Management API as its own process with `env` (a harness's environment). */
export async function startManagementApi(
  env: Record<string, string>,
): Promise<ManagementApiProcess> {
  const [port, grpcPort, internalPort] = [await freePort(), await freePort(), await freePort()];
  const maestro = runMaestro(['start', 'management-api'], {
    ...env,
    MAESTRO_LOG_LEVEL: 'warn',
    MAESTRO_MANAGEMENT_API_PORT: String(port),
    MAESTRO_MANAGEMENT_API_GRPC_PORT: String(grpcPort),
    [INTERNAL_PORT_VARIABLE['management-api']]: String(internalPort),
  });
  const isReady = await waitFor(
    () =>
      fetch(`http://127.0.0.1:${internalPort}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      ),
    (ready) => ready,
    60_000,
  );
  if (!isReady) throw new Error(`management-api not ready:\n${maestro.output()}`);
  return {
    ...maestro,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (maestro.child.exitCode === null && maestro.child.signalCode === null) {
        maestro.child.kill('SIGTERM');
      }
      await maestro.exited;
    },
  };
}

/**
 * PostgreSQL's fast shutdown (SIGINT, what `pg_ctl restart -m fast` sends): open sessions end
 * with 57P01 at once and new connections are refused until it is started again.
 */
export async function fastShutdown(postgres: ServiceProcess): Promise<void> {
  process.kill(postgres.pid, 'SIGINT');
  await postgres.exited;
}

/** A Kubernetes operations stack on a Temporal the test may kill, with its Management API. */
export interface TemporalChaosStack {
  temporal: RestartableTemporal;
  harness: OperationsHarness;
  /** The `maestro start management-api` process, once `beforeAll` ran. */
  api(): ManagementApiProcess;
}

/**
 * Registers the file's beforeAll/afterAll for a Temporal chaos test: a private restartable
 * Temporal, an operations harness on KWOK whose worker creates five pods a second (so an
 * operation lasts long enough to kill Temporal mid-way), and a Management API process whose
 * Temporal calls time out after `callTimeoutMs`.
 */
export function useTemporalChaosStack(options: {
  callTimeoutMs: number;
  healthControllerIntervalMs?: number;
}): TemporalChaosStack {
  const temporal = new RestartableTemporal();
  const harness = new OperationsHarness('kubernetes');
  let api: ManagementApiProcess | undefined;

  beforeAll(async () => {
    await temporal.start();
    await harness.start({
      ...(options.healthControllerIntervalMs !== undefined && {
        healthControllerIntervalMs: options.healthControllerIntervalMs,
      }),
      env: {
        MAESTRO_TEMPORAL_ADDRESS: temporal.address,
        MAESTRO_KUBERNETES_QPS: '5',
        MAESTRO_KUBERNETES_BURST: '1',
        MAESTRO_TEMPORAL_CALL_TIMEOUT_MS: String(options.callTimeoutMs),
      },
    });
    api = await startManagementApi(harness.maestroEnvironment());
  });

  afterAll(async () => {
    await api?.stop();
    await temporal.start(); // the harness stops its workers on a live server
    await harness.stop();
    await temporal.stop();
  });

  return {
    temporal,
    harness,
    api: () => {
      if (!api) throw new Error('the Management API starts in beforeAll');
      return api;
    },
  };
}
