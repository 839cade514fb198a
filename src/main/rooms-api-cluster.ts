/**
 * Several Rooms API processes on one set of ports (MAESTRO_ROOMS_API_PROCESSES > 1), with
 * node:cluster: the primary forks the workers, which each run the Rooms API module as
 * `maestro start rooms-api` would (their HTTP and gRPC servers share the primary's listening
 * sockets, connections handed out round-robin). The primary serves the internal port for all of
 * them: /healthz, /readyz (ready when every worker is) and /metrics (every worker's metrics,
 * summed by prom-client's AggregatorRegistry). SIGTERM/SIGINT stops every worker gracefully; a
 * worker that exits on its own stops the others and the primary exits 1, as a single process
 * whose module failed does.
 */
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../config/load';
import type { ReadinessReport } from './infra/readiness';
import { checkReadiness } from './infra/readiness';
import { runModules } from './run-modules';
import type { System } from './system';

/** Messages between the primary and its workers (IPC). */
type ClusterMessage =
  | { type: 'maestro:started' }
  | { type: 'maestro:readyz'; id: number }
  | { type: 'maestro:readyz-report'; id: number; report: ReadinessReport };

const isClusterMessage = (message: unknown): message is ClusterMessage =>
  typeof message === 'object' &&
  message !== null &&
  typeof (message as { type?: unknown }).type === 'string' &&
  (message as { type: string }).type.startsWith('maestro:');

/** True in a process the Rooms API's primary forked. */
export const isRoomsApiWorker = () => cluster.isWorker;

/**
 * A worker: the Rooms API module on this process's share of the ports, without an internal
 * server of its own; it answers the primary's readiness questions and metrics requests.
 */
export async function runRoomsApiWorker(config: Config, log: Logger): Promise<void> {
  // Ctrl-C reaches the whole process group: the primary alone decides, and sends SIGTERM.
  process.on('SIGINT', () => undefined);
  await runModules(['rooms-api'], config, log.child({ process: cluster.worker?.id }), {
    serveInternal: false,
    signals: ['SIGTERM'],
    onSystem: (system) => answerPrimary(system, config.readinessTimeoutMs),
  });
}

function answerPrimary(system: System, readinessTimeoutMs: number): void {
  // Constructing one in a worker is what makes prom-client answer the primary's metrics requests.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([system.registry]);
  const send = (message: ClusterMessage) => process.send?.(message);
  void system.started.then(
    () => send({ type: 'maestro:started' }),
    () => undefined,
  );
  process.on('message', (message: unknown) => {
    if (!isClusterMessage(message) || message.type !== 'maestro:readyz') return;
    const checks = system.modules.flatMap((module) => module.checks);
    void checkReadiness(checks, readinessTimeoutMs).then((report) => {
      if (!system.isAcceptingTraffic) {
        report.ready = false;
        report.checks['shutdown'] = 'the module is shutting down';
      }
      send({ type: 'maestro:readyz-report', id: message.id, report });
    });
  });
}

/**
 * The primary: forks `config.roomsApiProcesses` workers, serves the internal port for them and
 * stops them on SIGTERM/SIGINT. Resolves with the process's exit code.
 */
export async function runRoomsApiPrimary(config: Config, log: Logger): Promise<number> {
  cluster.setupPrimary({
    exec: path.join(__dirname, `cli${path.extname(__filename)}`),
    args: ['start', 'rooms-api'],
    execArgv: withoutEval(process.execArgv),
  });
  const workers = new Map<number, { worker: Worker; isStarted: boolean }>();
  let isShuttingDown = false;
  let exitCode = 0;
  let stopRequested!: (reason: string) => void;
  const stopping = new Promise<string>((resolve) => (stopRequested = resolve));

  const exited = new Map<number, Promise<void>>();
  for (let index = 0; index < config.roomsApiProcesses; index += 1) {
    const worker = cluster.fork();
    workers.set(worker.id, { worker, isStarted: false });
    worker.on('message', (message: unknown) => {
      if (isClusterMessage(message) && message.type === 'maestro:started') {
        workers.get(worker.id)!.isStarted = true;
      }
    });
    exited.set(
      worker.id,
      new Promise((resolve) =>
        worker.once('exit', (code, signal) => {
          if (!isShuttingDown) {
            log.error({ process: worker.id, code, signal }, 'rooms api process exited, stopping');
            exitCode = 1;
            stopRequested('a rooms api process exited');
          } else if (code !== 0) {
            exitCode = 1;
          }
          resolve();
        }),
      ),
    );
  }

  const internal = buildClusterInternalServer(config, () =>
    isShuttingDown ? undefined : [...workers.values()],
  );
  const { host, port } = config.internalServers['rooms-api'];
  const address = await internal.listen({ host, port });
  log.info(
    { address, processes: config.roomsApiProcesses },
    'rooms api primary: internal server listening',
  );

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (isShuttingDown) {
        log.warn({ signal }, 'second signal, exiting now');
        for (const { worker } of workers.values()) worker.process.kill('SIGKILL');
        process.exit(1);
      }
      stopRequested(signal);
    });
  }
  const reason = await stopping;
  isShuttingDown = true;
  log.info({ reason }, 'shutting down rooms api processes');
  const forceExit = setTimeout(() => {
    log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out, exiting');
    for (const { worker } of workers.values()) worker.process.kill('SIGKILL');
    process.exit(1);
  }, config.shutdownTimeoutMs + 1_000);
  forceExit.unref();
  for (const { worker } of workers.values()) {
    if (worker.isConnected() && !worker.isDead()) worker.process.kill('SIGTERM');
  }
  await Promise.all(exited.values());
  await internal.close();
  log.info({ exitCode }, 'stopped');
  return exitCode;
}

/**
 * The internal port of a cluster: `/readyz` asks every worker (ready when all are started and
 * ready), `/metrics` sums theirs. `workers()` is undefined once shutdown began.
 */
function buildClusterInternalServer(
  config: Config,
  workers: () => Array<{ worker: Worker; isStarted: boolean }> | undefined,
): FastifyInstance {
  const app = Fastify({ logger: false });
  const metrics = new AggregatorRegistry();
  let nextId = 0;
  const readinessOf = (worker: Worker): Promise<ReadinessReport> =>
    new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        worker.off('message', listener);
        resolve({ ready: false, checks: { process: 'no answer' } });
      }, config.readinessTimeoutMs + 1_000);
      const listener = (message: unknown) => {
        if (!isClusterMessage(message) || message.type !== 'maestro:readyz-report') return;
        if (message.id !== id) return;
        clearTimeout(timer);
        worker.off('message', listener);
        resolve(message.report);
      };
      worker.on('message', listener);
      worker.send({ type: 'maestro:readyz', id } satisfies ClusterMessage);
    });
  app.get('/healthz', (_request, reply) => reply.send('OK'));
  app.get('/health', (_request, reply) => reply.send('OK'));
  app.get('/readyz', async (_request, reply) => {
    const current = workers();
    const checks: Record<string, string> = {};
    if (!current) checks['shutdown'] = 'the module is shutting down';
    await Promise.all(
      (current ?? []).map(async ({ worker, isStarted }) => {
        const name = `process ${worker.id}`;
        if (!isStarted || !worker.isConnected()) return void (checks[name] = 'starting');
        const report = await readinessOf(worker);
        for (const [check, outcome] of Object.entries(report.checks)) {
          if (outcome !== 'ok') checks[`${name}: ${check}`] = outcome;
        }
      }),
    );
    const failed = Object.entries(checks);
    const isReady = failed.length === 0;
    return reply.code(isReady ? 200 : 503).send({
      status: isReady ? 'ready' : 'unready',
      ...(!isReady && { message: failed.map(([name, why]) => `${name}: ${why}`).join('; ') }),
      checks: isReady ? { processes: 'ok' } : checks,
    });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.clusterMetrics()),
  );
  return app;
}

/** The primary's own `-e <code>` (a bench starting it inline) must not reach the workers. */
function withoutEval(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < execArgv.length; index += 1) {
    const arg = execArgv[index]!;
    if (['-e', '--eval', '-p', '--print'].includes(arg)) index += 1;
    else if (!/^--(eval|print)=/.test(arg)) kept.push(arg);
  }
  return kept;
}
