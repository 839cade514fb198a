/**
 * Several Rooms API processes on one port (MAESTRO_ROOMS_API_PROCESSES): `maestro start
 * rooms-api` as a cluster primary and its workers, on real PostgreSQL and Redis.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { freePort } from '../../scripts/local-infra/paths';
import { createTestDatabase, sharedInfra, uniqueSuffix } from '../support/infra';
import { runMaestro, waitFor, type MaestroProcess } from '../support/maestro-process';

const PINGS = 24;

interface Cluster {
  maestro: MaestroProcess;
  http: number;
  internal: number;
}

/** The node processes `pid` started (the cluster's workers), from /proc. */
function workersOf(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return children
    .split(' ')
    .filter(Boolean)
    .map(Number)
    .filter((child) => {
      try {
        return readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'node';
      } catch {
        return false;
      }
    });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One ping on a connection of its own (round-robin hands each connection to the next worker). */
function pingOnNewConnection(
  port: number,
  room: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ status: 'ready', timestamp: 1, runningMatches: 0 });
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `/scheduler/no-such-scheduler/rooms/${room}/ping`,
        agent: false,
        headers: { 'content-type': 'application/json', connection: 'close' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const readiness = (port: number) =>
  fetch(`http://127.0.0.1:${port}/readyz`).then(
    async (response) => ({ status: response.status, body: (await response.json()) as object }),
    () => ({ status: 0, body: {} }),
  );

describe('several Rooms API processes on one port', () => {
  const infra = sharedInfra();
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const started: MaestroProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterEach(async () => {
    // A failed test must not leave its processes running: workers first, then the primary.
    for (const { child, exited } of started.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      for (const worker of workersOf(child.pid!)) process.kill(worker, 'SIGKILL');
      child.kill('SIGKILL');
      await exited;
    }
  });

  afterAll(async () => {
    await database.drop();
  });

  const startCluster = async (): Promise<Cluster> => {
    const ports = { http: await freePort(), internal: await freePort() };
    const maestro = runMaestro(['start', 'rooms-api'], {
      MAESTRO_LOG_LEVEL: 'debug',
      MAESTRO_BIND_HOST: '127.0.0.1',
      MAESTRO_POSTGRES_URL: database.url,
      MAESTRO_REDIS_URL: infra.redisUrl,
      MAESTRO_REDIS_KEY_PREFIX: `it-${uniqueSuffix()}:`,
      MAESTRO_ROOMS_API_PORT: String(ports.http),
      MAESTRO_ROOMS_API_INTERNAL_PORT: String(ports.internal),
      MAESTRO_ROOMS_API_GRPC_PORT: String(await freePort()),
      MAESTRO_ROOMS_API_PROCESSES: '2',
    });
    started.push(maestro);
    const ready = await waitFor(
      () => readiness(ports.internal),
      (answer) => answer.status === 200,
      90_000,
    );
    expect(ready).toEqual({ status: 200, body: { status: 'ready', checks: { processes: 'ok' } } });
    return { maestro, ...ports };
  };

  it('answers on one port from two processes, sums their metrics, and stops both on SIGTERM', async () => {
    const cluster = await startCluster();
    const workers = workersOf(cluster.maestro.child.pid!);
    expect(workers).toHaveLength(2);

    const answers = await Promise.all(
      Array.from({ length: PINGS }, (_, index) =>
        pingOnNewConnection(cluster.http, `room-${index}`),
      ),
    );
    expect(answers).toEqual(
      Array.from({ length: PINGS }, () => ({ status: 200, body: '{"success":false}' })),
    );
    // Each refused ping is logged (debug) by the process that answered it, with its pid.
    const answeredBy = new Set(
      cluster.maestro
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"ping not recorded"'))
        .map((line) => (JSON.parse(line) as { pid: number }).pid),
    );
    expect([...answeredBy].sort()).toEqual([...workers].sort());

    const metrics = await fetch(`http://127.0.0.1:${cluster.internal}/metrics`).then((response) =>
      response.text(),
    );
    expect(metrics).toContain(
      `maestro_api_ping_handler_update_room_failures_total{scheduler="",reason="scheduler_not_found"} ${PINGS}`,
    );

    cluster.maestro.child.kill('SIGTERM');
    const exit = await cluster.maestro.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(workers.filter(isAlive)).toEqual([]);
  }, 180_000);

  it('stops the other process and exits 1 when one process dies', async () => {
    const cluster = await startCluster();
    const [victim, survivor] = workersOf(cluster.maestro.child.pid!) as [number, number];
    process.kill(victim, 'SIGKILL');
    const exit = await cluster.maestro.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(isAlive(survivor)).toBe(false);
    expect(cluster.maestro.output()).toContain('rooms api process exited, stopping');
  }, 180_000);

  it('refuses several processes when the Rooms API does not run alone', async () => {
    const maestro = runMaestro(['start', 'rooms-api', 'worker'], {
      MAESTRO_ROOMS_API_PROCESSES: '2',
      MAESTRO_POSTGRES_URL: database.url,
    });
    expect(await maestro.exited).toEqual({ code: 2, signal: null });
    expect(maestro.output()).toContain(
      'MAESTRO_ROOMS_API_PROCESSES above 1 runs the Rooms API alone',
    );
  });
});
